#pragma once

#include "StreamGroupCleanup.h"

#include <QList>
#include <QMessageBox>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <vector>

class QWidget;

namespace rqc {

class QueuePane;

// Safe on a real server (DESIGN.md): what the console left in stream consumer groups (each
// pane's PaneGroups) is cleaned up when the pane closes or the console quits, once the pane's
// consumers have stopped. Each group is checked first (StreamGroupCleanup: XINFO GROUPS and
// CONSUMERS, as they are then); a group the console created that nobody else uses is offered
// for removal (XGROUP DESTROY) in one window-modal question (objectName groupCleanupDialog;
// Keep is the default). The console's own consumers without pending entries are removed
// (XGROUP DELCONSUMER) in any case. A group the console did not create is never removed. What
// stays is said, with why, in message().
class GroupCleanupFlow : public QObject {
    Q_OBJECT
public:
    explicit GroupCleanupFlow(QWidget* dialogParent);
    ~GroupCleanupFlow() override; // drops the runs not finished (the window went first)

    // panes are closing (their consumers are stopping, or will be as they are deleted): cleans up
    // what they left, except the groups that one of stillOpen (not one of panes) still reads.
    void panesClosing(const QList<QueuePane*>& panes, const QList<QueuePane*>& stillOpen);
    // The window is closing: true when the close must wait (the panes' consumers are stopped
    // now; then reclose() runs once everything is settled), false when nothing is left or it
    // was settled already.
    bool holdQuit(const QList<QueuePane*>& panes, std::function<void()> reclose);

    bool isRunning() const { return m_running > 0; }
    QMessageBox* openQuestion() const { return m_box; }

    static QString resultText(const GroupCleanupResult& result, bool askedToKeep);

signals:
    // What was removed and what stays, with why (for the status bar).
    void message(const QString& text);
    // Every clean-up started has finished.
    void idle();

private:
    struct Run;
    void start(const QList<GroupFootprint>& footprints, const QList<QPointer<QueuePane>>& stopping,
               std::function<void()> done);
    void waitStopped(Run* run, int triesLeft);
    void checkAll(Run* run);
    void ask(Run* run);
    void cleanAll(Run* run, bool destroy);
    void finish(Run* run);

    QWidget* m_dialogParent;
    std::vector<std::unique_ptr<Run>> m_runs; // started, not finished
    QPointer<QMessageBox> m_box;
    int m_running = 0;
    bool m_quitSettled = false;
    bool m_quitting = false;
};

} // namespace rqc
