#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "Message.h"
#include "PeekReader.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;
class QWidget;

namespace rqc {

class PeekModel;

// A peek pane's view (mode peek:KEY): what a list holds now — head, tail (the consuming end,
// marked) and a page anywhere in between — or one page of a stream, live, without taking
// anything. Element actions (delete, move to a list, requeue a copy, move to the dead list;
// XDEL for streams) are confirmed and run as one check-and-act script each; copy and save to
// file happen here. It owns the PeekReader (core), which does all the talking to Redis.
//
// Object names for tests: "peekView", "peekTable", "peekLiveLabel", "peekNotifyButton",
// "peekDepthLabel", "peekEndLabel", "peekIndexSpin", "peekPageUpButton", "peekPageDownButton",
// "peekHidePageButton", "peekNewestButton", "peekNewerButton", "peekOlderButton",
// "peekOldestButton", "peekResultLabel"; actions "peekCopyAction", "peekSaveAction",
// "peekDeleteAction", "peekMoveAction", "peekRequeueAction", "peekDeadAction", "peekXdelAction".
class PeekView : public QWidget {
    Q_OBJECT
public:
    explicit PeekView(QWidget* parent = nullptr);
    ~PeekView() override;

    // Starts reading spec.target on the server; a running reader is stopped first.
    void start(const ConnectionSettings& settings, const ConsumerSpec& spec);
    void stop();
    bool isRunning() const { return m_reader != nullptr; }

    PeekModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    PeekReader* reader() const { return m_reader; }
    QString resultText() const;
    PeekLive live() const { return m_live; }
    // Selects the row of list index `index` (or stream entry `id`); false if not shown.
    bool selectIndex(qint64 index);
    bool selectEntry(const QByteArray& id);

    // Asks for confirmation, then runs the action on the selected element.
    void runAction(PeekAction action);

signals:
    void messageSelected(const rqc::Message& message);
    // Each refresh the view shows (PaneRecorder records what changed); an empty snapshot (no
    // key) when the view stops.
    void snapshotShown(const rqc::PeekSnapshot& snapshot);
    // depth -1: unknown, why says why ("WRONGTYPE: …" for a key of another type).
    void depthChanged(qint64 depth, const QString& why);
    // What the key turned out to be (list, stream, missing…), when that changes.
    void kindChanged(rqc::PeekSnapshot::Kind kind);
    // A sentence for the status bar (results and Redis's errors).
    void reported(const QString& text);

private:
    void buildUi();
    bool stopReader();
    void onSnapshot(const PeekSnapshot& snapshot);
    void onLiveChanged(PeekLive live, const QString& detail);
    void onActionFinished(const PeekActionResult& result);
    void onCurrentChanged();
    void updateActions();
    void showPage(qint64 start);
    void turnOnNotifications();
    void copySelected();
    void saveSelected();
    void showResult(const QString& text, bool warning);
    // The selected row's list index and bytes (or entry id); false when nothing is selected.
    bool selected(qint64* index, QByteArray* payload, QByteArray* entryId = nullptr) const;
    QString describe(qint64 index, const QByteArray& payload) const;

    ConsumerSpec m_spec;
    PeekReader* m_reader = nullptr;
    PeekModel* m_model = nullptr;
    PeekLive m_live = PeekLive::Unknown;
    qint64 m_pageStart = -1;

    QLabel* m_liveLabel = nullptr;
    QPushButton* m_notifyButton = nullptr;
    QLabel* m_depthLabel = nullptr;
    QLabel* m_endLabel = nullptr;
    QWidget* m_listPager = nullptr;
    QWidget* m_streamPager = nullptr;
    QSpinBox* m_indexSpin = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_resultLabel = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_moveAction = nullptr;
    QAction* m_requeueAction = nullptr;
    QAction* m_deadAction = nullptr;
    QAction* m_xdelAction = nullptr;
};

} // namespace rqc
