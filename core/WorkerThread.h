#pragma once

#include <QDeadlineTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <utility>

namespace rqc {

// Owns one QObject worker moved onto its own named QThread (STYLE.md items 2 and 3): the thread
// deletes the worker when it finishes, a worker that never ran is deleted here, and the destructor
// ends the thread's event loop and waits for it — never terminate(). Asking the worker to stop in
// its own way (drain, close) is the owner's job before the destructor runs.
class WorkerThread {
public:
    // Takes ownership of worker, which must have no parent.
    WorkerThread(const QString& name, QObject* worker)
        : m_thread(new QThread)
        , m_worker(worker)
    {
        m_thread->setObjectName(name);
        worker->moveToThread(m_thread);
        // Deleted right in finished() (emitted on the thread itself, after its event loop), not by
        // deleteLater(): what the worker's children hand to deleteLater() while they are destroyed
        // (RedisConnection's socket) is then still deleted by the thread's last round of deferred
        // deletes; from inside that round it would never be (LeakSanitizer found it).
        QObject::connect(
            m_thread, &QThread::finished, worker, [worker] { delete worker; },
            Qt::DirectConnection);
    }
    ~WorkerThread()
    {
        shutdown();
        delete m_thread;
    }
    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    void start()
    {
        if (m_started)
            return;
        m_started = true;
        m_thread->start();
    }
    bool hasStarted() const { return m_started; }
    bool isRunning() const { return m_thread->isRunning(); }
    QThread* thread() const { return m_thread; }
    // Null once the worker has been deleted.
    QObject* worker() const { return m_worker; }

    // Ends the event loop; thread-safe.
    void quit() { m_thread->quit(); }
    bool wait(int timeoutMs) { return m_thread->wait(QDeadlineTimer(timeoutMs)); }

    // Quits the thread as soon as sender emits signal. Direct, so it works while the owner's thread
    // is blocked in wait().
    template <typename Sender, typename Signal> void quitWhen(const Sender* sender, Signal signal)
    {
        QObject::connect(sender, signal, m_thread, &QThread::quit, Qt::DirectConnection);
    }

    // Runs fn on the worker's thread, after everything posted before it. Dropped if the worker is
    // gone. Before start() the call waits in the queue until the thread runs.
    template <typename Fn> bool post(Fn&& fn)
    {
        if (!m_worker)
            return false;
        return QMetaObject::invokeMethod(m_worker, std::forward<Fn>(fn), Qt::QueuedConnection);
    }

    // Ends the thread for good and waits (never terminate()). A worker that never ran is deleted.
    void shutdown()
    {
        if (!m_started) {
            delete m_worker.data();
            return;
        }
        m_thread->quit();
        m_thread->wait();
    }

private:
    QThread* m_thread;
    QPointer<QObject> m_worker;
    bool m_started = false;
};

} // namespace rqc
