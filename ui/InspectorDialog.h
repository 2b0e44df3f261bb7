#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "QueueInspector.h"

#include <QDialog>
#include <QPointer>
#include <QSet>

class QLabel;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace rqc {

class Consumer;
class InspectorTree;

// A window on one queue's precise-consumption state, fed by core's QueueInspector (its own
// connection and thread; a snapshot every two seconds and on Refresh):
//   reliable list  processing lists and their consumers, alive or orphaned   — Recover
//   stream         groups, consumers, pending counts, idle times and lag     — Claim
//   both           the dead-letter list or stream                            — Requeue
// Recover and Requeue run in the inspector (atomic Lua moves, safe beside other consoles).
// Claim asks the pane's own stream consumer (XAUTOCLAIM with the min idle time), so the
// claimed entries are delivered into the pane at once, with their delivery counts.
class InspectorDialog : public QDialog {
    Q_OBJECT
public:
    InspectorDialog(const ConnectionSettings& settings, const ConsumerSpec& spec,
                    QWidget* parent = nullptr);
    ~InspectorDialog() override;

    // The pane's stream-group consumer, used by Claim (null: Claim is not offered).
    void setClaimConsumer(Consumer* consumer);
    const ConsumerSpec& spec() const { return m_spec; }
    InspectorTree* tree() const { return m_tree; }
    QTreeWidget* deadList() const { return m_deadList; }
    bool hasSnapshot() const { return m_haveSnapshot; }
    const QueueSnapshot& snapshot() const { return m_snapshot; }
    // The outcome of the last action, as shown.
    QString actionText() const;

    void refresh();
    void recover();
    void claim();
    // selectedOnly: the dead letters selected in the list; otherwise all of them.
    void requeueDead(bool selectedOnly);

private:
    void onSnapshot(const QueueSnapshot& snapshot);
    void onActionFinished(const RecoveryReport& report); // the inspector's own actions
    void onClaimFinished(const RecoveryReport& report);  // the pane consumer's claims
    void showOutcome(QString text, const QString& error);
    void showDead(const QueueSnapshot& snapshot);
    void updateButtons();
    void setActionText(const QString& text, bool error = false);

    ConsumerSpec m_spec;
    QueueInspector* m_inspector = nullptr;
    QPointer<Consumer> m_claimConsumer;
    QueueSnapshot m_snapshot;
    bool m_haveSnapshot = false;
    QSet<qint64> m_recoverIds;
    QSet<qint64> m_requeueIds;
    QSet<qint64> m_claimIds;

    QLabel* m_summary = nullptr;
    InspectorTree* m_tree = nullptr;
    QLabel* m_deadLabel = nullptr;
    QTreeWidget* m_deadList = nullptr;
    QLabel* m_actionLabel = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QPushButton* m_recoverButton = nullptr;
    QPushButton* m_claimButton = nullptr;
    QSpinBox* m_claimIdleSpin = nullptr;
    QPushButton* m_requeueDeadButton = nullptr;
    QPushButton* m_requeueAllDeadButton = nullptr;
};

} // namespace rqc
