#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEvent>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <deque>
#include <functional>
#include <mutex>
#include <utility>

namespace rqc {

// Owns one QObject worker moved onto its own named QThread (STYLE.md items 2 and 3): the thread
// deletes the worker when it finishes, a worker that never ran is deleted here, and the destructor
// ends the thread's event loop and waits for it — never terminate(). Asking the worker to stop in
// its own way (drain, close) is the owner's job before the destructor runs.
class WorkerThread {
    // What post() hands over: the calls, in order, behind a std::mutex. Qt's own hand-over of a
    // queued call (QMetaObject::invokeMethod with a functor) orders the poster's writes before
    // the worker's reads through a futex inside libQt6Core, which ThreadSanitizer cannot see: it
    // then reports every call posted to a running thread (RecordingWriter::append, found by
    // tst_recording) as a race on the call's captures. Here the calls and everything they
    // capture pass through this mutex, which TSan does see; Qt's event only says "one more".
    struct Calls {
        std::mutex mutex;
        std::deque<std::function<void()>> queue;
    };
    // A child of the worker (so on its thread, deleted with it) that runs one call per event.
    class Mailbox : public QObject {
    public:
        Mailbox(Calls* calls, QObject* parent)
            : QObject(parent)
            , m_calls(calls)
        {
        }
        static QEvent::Type eventType()
        {
            static const auto type = QEvent::Type(QEvent::registerEventType());
            return type;
        }

    protected:
        bool event(QEvent* e) override
        {
            std::function<void()> call;
            bool mine = false;
            {
                // Locked before the event is read: post() allocates it before it unlocks.
                std::lock_guard<std::mutex> lock(m_calls->mutex);
                mine = e->type() == eventType();
                if (mine && !m_calls->queue.empty()) {
                    call = std::move(m_calls->queue.front());
                    m_calls->queue.pop_front();
                }
            }
            // Everything else (and the call itself, which may post again) runs unlocked.
            if (!mine)
                return QObject::event(e);
            if (call)
                call();
            return true;
        }

    private:
        Calls* m_calls;
    };

public:
    // Takes ownership of worker, which must have no parent.
    WorkerThread(const QString& name, QObject* worker)
        : m_thread(new QThread)
        , m_worker(worker)
        , m_mailbox(new Mailbox(&m_calls, worker))
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
        // Calls the worker never ran (posted after it ended) are dropped here, under the lock
        // the worker last took.
        std::lock_guard<std::mutex> lock(m_calls.mutex);
        m_calls.queue.clear();
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

    // Runs fn on the worker's thread, after everything posted before it (and in its place among
    // the worker's other queued events: one event per call). Dropped if the worker is gone.
    // Before start() the call waits in the queue until the thread runs.
    template <typename Fn> bool post(Fn&& fn)
    {
        if (!m_worker)
            return false;
        auto* event = new QEvent(Mailbox::eventType()); // before the unlock: see Mailbox::event
        {
            std::lock_guard<std::mutex> lock(m_calls.mutex);
            m_calls.queue.emplace_back(std::forward<Fn>(fn));
        }
        QCoreApplication::postEvent(m_mailbox, event);
        return true;
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
    Calls m_calls;
    QThread* m_thread;
    QPointer<QObject> m_worker;
    Mailbox* m_mailbox; // owned by the worker
    bool m_started = false;
};

} // namespace rqc
