#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace rqc {

// Turns SIGTERM, SIGINT… into a Qt signal on the thread that created the watcher, through a
// self-pipe: the handler only write()s the signal number, the event loop does the rest. One
// watcher per process; the previous handlers are restored when it is destroyed.
class UnixSignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit UnixSignalWatcher(const QList<int>& signalNumbers, QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }

signals:
    void signalReceived(int signalNumber);

private:
    void readPipe();

    QList<int> m_signals;
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace rqc
