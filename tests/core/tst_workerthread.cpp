// WorkerThread: a worker that ends with its thread takes everything it owns along, including
// what its children hand to deleteLater() while they are destroyed (a RedisConnection's socket).
#include "RedisConnection.h"
#include "TestSupport.h"
#include "WorkerThread.h"

#include <QAbstractSocket>
#include <QPointer>
#include <QTest>

#include <atomic>

using namespace rqc;

namespace {
// A worker that opens one connection on its own thread.
class ConnWorker : public QObject {
    Q_OBJECT
public:
    explicit ConnWorker(const ConnectionSettings& settings)
        : m_settings(settings)
    {
    }
    std::atomic<bool> ready{false};
    QPointer<QAbstractSocket> socket; // written on the worker thread before ready is set

public slots:
    void start()
    {
        auto* conn = new RedisConnection(m_settings, QStringLiteral("test"), QString(), this);
        connect(conn, &RedisConnection::ready, this, [this, conn] {
            socket = conn->findChild<QAbstractSocket*>();
            ready = true;
        });
        conn->open();
    }

private:
    ConnectionSettings m_settings;
};
} // namespace

class TestWorkerThread : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void socketOfAConnectionEndsWithTheThread()
    {
        // RedisConnection's destructor detaches its socket and deletes it later (it may be inside
        // the socket's own signal). When the worker is destroyed as its thread finishes, that
        // later must still come: a deleteLater() posted after the thread's last round of deferred
        // deletes leaked the socket (found by LeakSanitizer in every acking consumer's ops link).
        auto* worker = new ConnWorker(m_server.settings());
        QPointer<QObject> workerAlive(worker);
        QPointer<QAbstractSocket> socket;
        {
            WorkerThread thread(QStringLiteral("rq-test-worker"), worker);
            thread.start();
            QMetaObject::invokeMethod(worker, &ConnWorker::start, Qt::QueuedConnection);
            QVERIFY(test::waitUntil([&] { return worker->ready.load(); }));
            socket = worker->socket;
            QVERIFY(socket);
            thread.quit();
            QVERIFY(thread.wait(test::scaled(5000)));
        }
        QVERIFY(!workerAlive);
        QVERIFY2(!socket, "the connection's socket outlived its finished thread");
    }

    void workerThatNeverRanIsDeleted()
    {
        auto* worker = new ConnWorker(m_server.settings());
        QPointer<QObject> alive(worker);
        {
            WorkerThread thread(QStringLiteral("rq-test-idle"), worker);
        }
        QVERIFY(!alive);
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestWorkerThread)
#include "tst_workerthread.moc"
