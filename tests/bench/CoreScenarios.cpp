// Scenarios that need no widgets: the consumers and publishers of rqcore against the bench's
// redis-server. Each measures from the moment the product is asked to start until the last
// message reached the main thread (for consumers) or the last reply came back (for publishers).
#include "Consumer.h"
#include "Flooder.h"
#include "RedisConnection.h"
#include "Scenarios.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>

namespace rqc::bench {

namespace {

QByteArray keyOr(const Options& o, const char* fallback)
{
    return o.key.isEmpty() ? QByteArray(fallback) : o.key;
}

void setError(Result* r, const QString& e)
{
    r->extra.insert(QStringLiteral("error"), e);
    qWarning("%s: %s", qPrintable(r->name), qPrintable(e));
}

qint64 integerOf(SyncClient& c, const QList<QByteArray>& argv)
{
    const RedisReply r = c.command(argv);
    return r.isInteger() ? r.integer : -1;
}

// Keys matching a pattern (SCAN, for the checks after a run).
QList<QByteArray> scanKeys(SyncClient& c, const QByteArray& pattern)
{
    QList<QByteArray> keys;
    QByteArray cursor = "0";
    do {
        const RedisReply r = c.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (!r.isArray() || r.elements.size() != 2)
            break;
        cursor = r.elements[0].str;
        for (const RedisReply& k : r.elements[1].elements)
            keys << k.str;
    } while (cursor != "0");
    return keys;
}

// Drains N pre-filled messages with the product's Consumer for `specText`, counting every
// sequence number that reaches the main thread.
bool drainWith(const Options& o, QString specText, Result* r)
{
    for (const QString& extra : o.specOptions)
        specText += QLatin1Char(',') + extra;
    ConsumerSpec spec;
    QString error;
    if (!ConsumerSpec::parse(specText, &spec, &error)) {
        setError(r, QStringLiteral("spec %1 refused: %2").arg(specText, error));
        return false;
    }
    r->extra.insert(QStringLiteral("spec"), specText);
    SeqTracker tracker(o.messages);
    QElapsedTimer clock;
    qint64 endNs = 0;
    quint64 batches = 0;
    QStringList errors;
    int lostConnections = 0;
    QObject context;
    Consumer consumer(o.settings, spec);
    QObject::connect(&consumer, &Consumer::messagesArrived, &context,
                     [&](const MessageList& batch, quint64) {
                         ++batches;
                         for (const Message& m : batch)
                             tracker.record(m.payload);
                         if (!endNs && tracker.total() >= o.messages)
                             endNs = clock.nsecsElapsed();
                     });
    QObject::connect(&consumer, &Consumer::errorOccurred, &context,
                     [&](const QString& e) { errors << e; });
    QObject::connect(&consumer, &Consumer::connectionLost, &context,
                     [&](qint64, const QString&) { ++lostConnections; });
    CpuMeter cpu(o.settings);
    cpu.start();
    clock.start();
    consumer.start();
    const bool complete =
        waitFor([&] { return tracker.total() >= o.messages || !errors.isEmpty(); },
                [&] { return tracker.total(); }, o.idleMs);
    if (!endNs)
        endNs = clock.nsecsElapsed();
    r->extra.insert(QStringLiteral("cpu"), cpu.stop());
    consumer.stopAndWait(5000);
    spin(300); // anything delivered late (a duplicate) still counts
    r->seconds = double(endNs) / 1e9;
    r->lost = tracker.lost();
    r->duplicated = tracker.duplicated();
    r->extra.insert(QStringLiteral("batches"), double(batches));
    r->extra.insert(QStringLiteral("connection_lost"), lostConnections);
    if (!errors.isEmpty())
        setError(r, errors.join(QStringLiteral("; ")));
    if (!complete)
        r->extra.insert(QStringLiteral("note"),
                        QStringLiteral("gave up after %1 ms without progress").arg(o.idleMs));
    return errors.isEmpty();
}

} // namespace

bool runFillList(const Options& o, Result* r)
{
    r->name = QStringLiteral("fill-list");
    SyncClient c(o.settings);
    const QByteArray key = keyOr(o, "bench:list");
    c.command({"DEL", key});
    QElapsedTimer t;
    t.start();
    if (!fillList(c, key, o.messages, o.size)) {
        setError(r, c.error());
        return false;
    }
    r->seconds = double(t.nsecsElapsed()) / 1e9;
    r->messages = o.messages;
    r->lost = o.messages - quint64(qMax<qint64>(0, integerOf(c, {"LLEN", key})));
    return true;
}

bool runDrainList(const Options& o, Result* r)
{
    r->name = QStringLiteral("drain-list");
    r->messages = o.messages;
    const QByteArray key = keyOr(o, "bench:drain-list");
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        setError(r, c.error());
        return false;
    }
    c.command({"DEL", key});
    if (!fillList(c, key, o.messages, o.size)) {
        setError(r, c.error());
        return false;
    }
    const bool ok = drainWith(o, QStringLiteral("list:") + QString::fromUtf8(key), r);
    r->extra.insert(QStringLiteral("left_in_list"), double(integerOf(c, {"LLEN", key})));
    c.command({"DEL", key});
    return ok;
}

bool runDrainReliable(const Options& o, Result* r)
{
    r->name = QStringLiteral("drain-reliable");
    r->messages = o.messages;
    const QByteArray key = keyOr(o, "bench:drain-reliable");
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        setError(r, c.error());
        return false;
    }
    c.command({"DEL", key});
    for (const QByteArray& k : scanKeys(c, key + ":*"))
        c.command({"DEL", k});
    if (!fillList(c, key, o.messages, o.size)) {
        setError(r, c.error());
        return false;
    }
    const bool ok =
        drainWith(o, QStringLiteral("reliable:%1,ack=auto").arg(QString::fromUtf8(key)), r);
    // Auto-ack: nothing may stay in the queue or in any processing list.
    qint64 unacked = 0;
    for (const QByteArray& k : scanKeys(c, key + ":*")) {
        const qint64 n = integerOf(c, {"LLEN", k});
        if (n > 0)
            unacked += n;
    }
    r->extra.insert(QStringLiteral("left_in_list"), double(integerOf(c, {"LLEN", key})));
    r->extra.insert(QStringLiteral("left_unacked"), double(unacked));
    return ok;
}

bool runDrainStream(const Options& o, Result* r)
{
    r->name = QStringLiteral("drain-stream");
    r->messages = o.messages;
    const QByteArray key = keyOr(o, "bench:drain-stream");
    const QByteArray group = "bench";
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        setError(r, c.error());
        return false;
    }
    c.command({"DEL", key});
    if (!fillStream(c, key, o.messages, o.size)) {
        setError(r, c.error());
        return false;
    }
    // The group starts at the beginning of the stream so that it reads the N pre-filled entries.
    const RedisReply created = c.command({"XGROUP", "CREATE", key, group, "0"});
    if (created.isError()) {
        setError(r, QString::fromUtf8(created.str));
        return false;
    }
    const bool ok = drainWith(o,
                              QStringLiteral("stream:%1,group=%2,ack=auto")
                                  .arg(QString::fromUtf8(key), QString::fromUtf8(group)),
                              r);
    const RedisReply pending = c.command({"XPENDING", key, group});
    if (pending.isArray() && !pending.elements.isEmpty())
        r->extra.insert(QStringLiteral("left_unacked"), double(pending.elements[0].integer));
    c.command({"DEL", key});
    return ok;
}

bool runPubSubReceive(const Options& o, Result* r)
{
    r->name = QStringLiteral("pubsub-receive");
    r->messages = o.messages;
    const QByteArray channel = keyOr(o, "bench:pubsub-receive");
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        setError(r, c.error());
        return false;
    }
    const RedisReply limit = c.command({"CONFIG", "GET", "client-output-buffer-limit"});
    if (limit.isArray() && limit.elements.size() == 2)
        r->extra.insert(QStringLiteral("output_buffer_limit"),
                        QString::fromUtf8(limit.elements[1].str));

    ConsumerSpec spec;
    spec.mode = Mode::PubSub;
    spec.target = channel;
    SeqTracker tracker(o.messages);
    QElapsedTimer clock;
    qint64 endNs = 0;
    quint64 batches = 0;
    int lostConnections = 0;
    QStringList errors;
    QObject context;
    Consumer consumer(o.settings, spec);
    QObject::connect(&consumer, &Consumer::messagesArrived, &context,
                     [&](const MessageList& batch, quint64) {
                         ++batches;
                         for (const Message& m : batch)
                             tracker.record(m.payload);
                         if (!endNs && tracker.total() >= o.messages)
                             endNs = clock.nsecsElapsed();
                     });
    QObject::connect(&consumer, &Consumer::errorOccurred, &context,
                     [&](const QString& e) { errors << e; });
    QObject::connect(&consumer, &Consumer::connectionLost, &context,
                     [&](qint64, const QString&) { ++lostConnections; });
    consumer.start();
    // Subscribed for sure before the first PUBLISH (SUBSCRIBE's confirmation is a push).
    QElapsedTimer waitSub;
    waitSub.start();
    for (;;) {
        const RedisReply n = c.command({"PUBSUB", "NUMSUB", channel});
        if (n.isArray() && n.elements.size() == 2 && n.elements[1].integer >= 1)
            break;
        if (waitSub.elapsed() > 10000) {
            setError(r, QStringLiteral("the subscriber never subscribed"));
            return false;
        }
        spin(5);
    }
    // The subscriber's connection id: if the server drops it and it reconnects, the id changes.
    const auto subscriberId = [&c]() -> QByteArray {
        const RedisReply list = c.command({"CLIENT", "LIST", "TYPE", "pubsub"});
        for (const QByteArray& line : list.str.split('\n')) {
            if (line.contains("name=rqconsole:pubsub:") && line.startsWith("id="))
                return line.mid(3, line.indexOf(' ') - 3);
        }
        return {};
    };
    const QByteArray idBefore = subscriberId();

    // Watch the subscriber's output buffer on the server while the flood runs.
    RedisConnection watcher(o.settings, QStringLiteral("bench-watch"));
    qint64 maxOmem = 0;
    bool watching = false;
    QTimer poll;
    QObject::connect(&watcher, &RedisConnection::ready, &context, [&] { watching = true; });
    QObject::connect(&poll, &QTimer::timeout, &context, [&] {
        if (!watching || watcher.pendingReplies() > 0)
            return;
        watcher.send({"CLIENT", "LIST", "TYPE", "pubsub"}, [&](const RedisReply& rep) {
            for (const QByteArray& line : rep.str.split('\n')) {
                if (!line.contains("name=rqconsole:pubsub:"))
                    continue;
                const int at = line.indexOf(" omem=");
                if (at >= 0)
                    maxOmem = qMax(maxOmem, line.mid(at + 6).split(' ').value(0).toLongLong());
            }
        });
    });
    watcher.open();
    poll.start(20);

    QThread floodThread;
    floodThread.setObjectName(QStringLiteral("bench-flooder"));
    auto* flooder = new Flooder(o.settings, channel, o.messages, o.size);
    flooder->moveToThread(&floodThread);
    QObject::connect(&floodThread, &QThread::finished, flooder, &QObject::deleteLater);
    bool floodDone = false;
    qint64 receivers = 0;
    QObject::connect(flooder, &Flooder::ready, &context, [&] {
        clock.start();
        QMetaObject::invokeMethod(flooder, &Flooder::go, Qt::QueuedConnection);
    });
    QObject::connect(flooder, &Flooder::finished, &context,
                     [&](quint64, qint64 rec, const QString& e) {
                         floodDone = true;
                         receivers = rec;
                         if (!e.isEmpty())
                             errors << QStringLiteral("publisher: ") + e;
                     });
    CpuMeter cpu(o.settings);
    cpu.start();
    floodThread.start();
    QMetaObject::invokeMethod(flooder, &Flooder::open, Qt::QueuedConnection);

    const bool complete =
        waitFor([&] { return (tracker.total() >= o.messages && floodDone) || lostConnections > 0; },
                [&] { return tracker.total() + (floodDone ? 1 : 0); }, o.idleMs);
    if (!endNs)
        endNs = clock.isValid() ? clock.nsecsElapsed() : 0;
    r->extra.insert(QStringLiteral("cpu"), cpu.stop());
    poll.stop();
    // After a drop, let the publisher finish so its figures are complete.
    waitFor([&] { return floodDone; }, [&] { return tracker.total(); }, o.idleMs);
    spin(300);
    floodThread.quit();
    floodThread.wait();

    // The same connection still subscribed: never dropped by the output-buffer limit.
    const QByteArray idAfter = subscriberId();
    const bool present = !idBefore.isEmpty() && idAfter == idBefore;
    r->extra.insert(QStringLiteral("evicted_clients"),
                    QString::fromUtf8(c.command({"INFO", "stats"}).str)
                        .section(QStringLiteral("evicted_clients:"), 1, 1)
                        .section(QLatin1Char('\r'), 0, 0)
                        .toInt());
    consumer.stopAndWait(5000);

    r->seconds = double(endNs) / 1e9;
    r->lost = tracker.lost();
    r->duplicated = tracker.duplicated();
    r->extra.insert(QStringLiteral("batches"), double(batches));
    r->extra.insert(QStringLiteral("connection_lost"), lostConnections);
    r->extra.insert(QStringLiteral("still_subscribed"), present);
    r->extra.insert(QStringLiteral("receivers_reported"), double(receivers));
    r->extra.insert(QStringLiteral("max_output_buffer_mb"), double(maxOmem) / (1024.0 * 1024.0));
    if (!present || lostConnections > 0)
        errors << QStringLiteral("the subscriber was disconnected (output-buffer limit?)");
    if (!complete)
        r->extra.insert(QStringLiteral("note"),
                        QStringLiteral("gave up after %1 ms without progress").arg(o.idleMs));
    if (!errors.isEmpty())
        setError(r, errors.join(QStringLiteral("; ")));
    return errors.isEmpty();
}

} // namespace rqc::bench
