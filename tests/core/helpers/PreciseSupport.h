#pragma once
// Shared by the reliable / stream / inspector tests: a recorder for everything a precise-mode
// Consumer reports, and ledger helpers. Header-only (no Q_OBJECT: the recorder uses a plain
// QObject member as the context of its connections).

#include "Consumer.h"
#include "TestSupport.h"

#include <QDir>
#include <QMutex>
#include <QProcess>
#include <QSemaphore>
#include <QSet>
#include <QTest>
#include <QThread>

#include <atomic>
#include <optional>

namespace rqc::test {

inline ConsumerSpec parseSpec(const QString& text)
{
    ConsumerSpec spec;
    QString error;
    if (!ConsumerSpec::parse(text, &spec, &error))
        qFatal("bad spec %s: %s", qPrintable(text), qPrintable(error));
    return spec;
}

struct PreciseRecorder {
    QObject ctx;
    MessageList messages;
    QList<SettleResult> settles;
    QList<RecoveryReport> recoveries;
    ConsumerCounters counters;
    QByteArray consumer;
    QByteArray pendingKey;
    QStringList errors;
    QStringList notices;
    QList<ConsumerState> states;
    bool stopped = false;

    explicit PreciseRecorder(Consumer* c)
    {
        QObject::connect(c, &Consumer::messagesArrived, &ctx,
                         [this](const MessageList& batch, quint64) { messages += batch; });
        QObject::connect(c, &Consumer::settled, &ctx,
                         [this](const SettleResult& r) { settles.append(r); });
        QObject::connect(c, &Consumer::recoveryFinished, &ctx,
                         [this](const RecoveryReport& r) { recoveries.append(r); });
        QObject::connect(c, &Consumer::countersChanged, &ctx,
                         [this](const ConsumerCounters& k) { counters = k; });
        QObject::connect(c, &Consumer::identityChosen, &ctx,
                         [this](const QByteArray& name, const QByteArray& key) {
                             consumer = name;
                             pendingKey = key;
                         });
        QObject::connect(c, &Consumer::errorOccurred, &ctx,
                         [this](const QString& e) { errors << e; });
        QObject::connect(c, &Consumer::notice, &ctx, [this](const QString& n) { notices << n; });
        QObject::connect(c, &Consumer::stateChanged, &ctx,
                         [this](ConsumerState s, const QString&) { states << s; });
        QObject::connect(c, &Consumer::stopped, &ctx, [this] { stopped = true; });
    }

    // Named and consuming (the name is chosen before the first read).
    bool ready() const { return !consumer.isEmpty(); }
    std::optional<SettleResult> settle(qint64 id) const
    {
        for (const SettleResult& r : settles) {
            if (r.requestId == id)
                return r;
        }
        return std::nullopt;
    }
    std::optional<RecoveryReport> recovery(qint64 id) const
    {
        for (const RecoveryReport& r : recoveries) {
            if (r.requestId == id)
                return r;
        }
        return std::nullopt;
    }
    QList<QByteArray> payloads() const
    {
        QList<QByteArray> out;
        for (const Message& m : messages)
            out << m.payload;
        return out;
    }
    QSet<QByteArray> distinctPayloads() const
    {
        QSet<QByteArray> out;
        for (const Message& m : messages)
            out.insert(m.payload);
        return out;
    }
};

// Holds the worker's thread inside its emission of messagesArrived, for the first `count`
// batches: a direct connection runs on the worker's thread after the batch was queued towards the
// Consumer and before the worker goes on (acks included). While held, the server shows what a
// crash at that moment would leave. Declare it after the Consumer (it must go first).
struct EmitGate {
    QObject ctx;
    QSemaphore held;
    QSemaphore released;
    QMutex mutex;
    MessageList batch;   // the batch being emitted (read it while held)
    MessageList earlier; // every batch emitted before it
    std::atomic<int> remaining;
    std::atomic<int> inside{0};
    QMetaObject::Connection m_connection;

    EmitGate(Consumer* c, int count)
        : remaining(count)
    {
        m_connection = QObject::connect(
            c->worker(), &ConsumerWorker::messagesArrived, &ctx,
            [this](const MessageList& b, quint64) {
                ++inside;
                if (remaining.fetch_sub(1) <= 0) {
                    --inside;
                    return;
                }
                {
                    QMutexLocker lock(&mutex);
                    batch = b;
                }
                held.release();
                released.tryAcquire(1, 20000);
                {
                    QMutexLocker lock(&mutex);
                    earlier += b;
                }
                --inside;
            },
            Qt::DirectConnection);
    }
    // A failed check leaves the worker free to go on (and to stop).
    ~EmitGate()
    {
        remaining = 0;
        QObject::disconnect(m_connection);
        released.release(1000);
        while (inside.load() > 0)
            QThread::yieldCurrentThread();
    }
    void release() { released.release(); }
    MessageList emittedBefore()
    {
        QMutexLocker lock(&mutex);
        return earlier;
    }
    MessageList heldBatch()
    {
        QMutexLocker lock(&mutex);
        return batch;
    }
};

inline qint64 integer(SyncClient& c, const QList<QByteArray>& argv)
{
    return c.command(argv).integer;
}

// Every key matching pattern (SCAN, filtered by type if given).
inline QList<QByteArray> scanKeys(SyncClient& c, const QByteArray& pattern,
                                  const QByteArray& type = QByteArray())
{
    QList<QByteArray> keys;
    QByteArray cursor = "0";
    do {
        QList<QByteArray> argv{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
        if (!type.isEmpty())
            argv << "TYPE" << type;
        const RedisReply r = c.command(argv);
        if (!r.isArray() || r.elements.size() != 2)
            break;
        cursor = r.elements[0].str;
        for (const RedisReply& k : r.elements[1].elements) {
            if (!keys.contains(k.str))
                keys << k.str;
        }
    } while (cursor != "0");
    return keys;
}

// Reliable list ledger: what is still in the queue, in processing lists, in the dead list.
struct ListLedger {
    qint64 queued = 0;
    qint64 pending = 0;
    qint64 dead = 0;
};

inline ListLedger listLedger(SyncClient& c, const QByteArray& queue)
{
    ListLedger l;
    l.queued = integer(c, {"LLEN", queue});
    for (const QByteArray& k : scanKeys(c, queue + ":processing:*", "list"))
        l.pending += integer(c, {"LLEN", k});
    l.dead = integer(c, {"LLEN", queue + ":dead"});
    return l;
}

// Pushes count messages "<prefix><i>" (i from 0) in pipelined LPUSHes of 1000 values each.
inline void produceList(SyncClient& c, const QByteArray& queue, int count,
                        const QByteArray& prefix = "m", int payloadSize = 0)
{
    QList<QList<QByteArray>> cmds;
    QList<QByteArray> cur{"LPUSH", queue};
    for (int i = 0; i < count; ++i) {
        QByteArray p = prefix + QByteArray::number(i);
        if (payloadSize > p.size())
            p += QByteArray(payloadSize - p.size(), 'x');
        cur << p;
        if (cur.size() == 1002 || i == count - 1) {
            cmds << cur;
            cur = {"LPUSH", queue};
        }
    }
    c.pipeline(cmds, 60000);
}

// XADD count entries {message: "<prefix><i>", n: i}, pipelined.
inline void produceStream(SyncClient& c, const QByteArray& stream, int count,
                          const QByteArray& prefix = "e", int payloadSize = 0)
{
    QList<QList<QByteArray>> cmds;
    for (int i = 0; i < count; ++i) {
        QByteArray p = prefix + QByteArray::number(i);
        if (payloadSize > p.size())
            p += QByteArray(payloadSize - p.size(), 'x');
        cmds << QList<QByteArray>{"XADD", stream, "*", "message", p, "n", QByteArray::number(i)};
        if (cmds.size() == 1000 || i == count - 1) {
            c.pipeline(cmds, 60000);
            cmds.clear();
        }
    }
}

// The consumer helper process built next to the tests.
inline QString helperPath()
{
    return QDir(QCoreApplication::applicationDirPath())
        .filePath(QStringLiteral("rq_consume_helper"));
}

// Lines the helper printed so far, split.
inline QList<QByteArray> helperLines(QProcess& p, QByteArray& buffer)
{
    buffer += p.readAllStandardOutput();
    QList<QByteArray> lines = buffer.split('\n');
    lines.removeLast(); // empty, or a line still being written
    return lines;
}

// The ids of the server's client connections (CLIENT LIST).
inline QSet<QByteArray> clientIds(SyncClient& c)
{
    QSet<QByteArray> ids;
    for (const QByteArray& line : c.command({"CLIENT", "LIST"}).str.split('\n')) {
        if (line.startsWith("id="))
            ids.insert(line.mid(3, line.indexOf(' ') - 3));
    }
    return ids;
}

// Runs the consumer helper process on `spec`, acking the first `ackCount` messages by hand; once
// it says it has acked them, kills it with SIGKILL (no clean stop: its heartbeat is left to expire)
// and returns every line it printed. Returns false, with *error, if it never got that far.
// Returns once the server has closed every connection the helper opened: a command the helper
// wrote before it died (a read of the next batch) may still be in the server's input when the
// process is gone, and a ledger read before it is executed would miss what it takes.
inline bool runHelperUntilAckedThenKill(SyncClient& server, const QString& url, const QString& spec,
                                        int ackCount, QList<QByteArray>* lines, QString* error)
{
    const QSet<QByteArray> before = clientIds(server);
    QProcess helper;
    helper.start(helperPath(), {url, spec, QString::number(ackCount)});
    if (!helper.waitForStarted(5000)) {
        *error = helper.errorString();
        return false;
    }
    QByteArray buffer;
    const bool acked = QTest::qWaitFor(
        [&] {
            *lines = helperLines(helper, buffer);
            for (const QByteArray& line : *lines) {
                if (line.startsWith("ACKED "))
                    return true;
            }
            return false;
        },
        20000);
    helper.kill();
    helper.waitForFinished(5000);
    *lines = helperLines(helper, buffer);
    if (!acked) {
        *error = QStringLiteral("the helper never acked its first %1 messages").arg(ackCount);
        return false;
    }
    if (!QTest::qWaitFor([&] { return (clientIds(server) - before).isEmpty(); }, 10000)) {
        *error = QStringLiteral("the server kept the killed helper's connections for 10 s");
        return false;
    }
    return true;
}

} // namespace rqc::test
