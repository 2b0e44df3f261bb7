// publish-list and publish-pubsub: the product's Publisher sends N messages in one burst (one
// send() with count N, as the pane's repeat box does), timed from send() to its sent() signal.
//
// A burst repeats one payload, so sequence numbers cannot be embedded here; the counts are checked
// on the server instead: LLEN must equal N after publish-list, and Redis must have acknowledged all
// N PUBLISH commands. publish-pubsub runs with no subscriber, like redis-benchmark's PUBLISH (its
// reference): it measures the publisher. A subscriber under a full-speed flood is pubsub-receive.
#include "Publisher.h"
#include "Scenarios.h"

#include <QElapsedTimer>

namespace rqc::bench {

namespace {

bool publishBurst(const Options& o, PublisherWorker::Command command, const QByteArray& target,
                  Result* r, quint64* acked, qint64* receivers)
{
    if (o.messages > quint64(std::numeric_limits<int>::max())) {
        r->extra.insert(QStringLiteral("error"), QStringLiteral("N too large for one burst"));
        return false;
    }
    QObject context;
    Publisher publisher(o.settings);
    bool ready = false;
    bool done = false;
    QStringList errors;
    QElapsedTimer clock;
    qint64 endNs = 0;
    quint64 progress = 0;
    QObject::connect(&publisher, &Publisher::ready, &context, [&] { ready = true; });
    QObject::connect(&publisher, &Publisher::errorOccurred, &context,
                     [&](const QString& e) { errors << e; });
    QObject::connect(&publisher, &Publisher::progress, &context,
                     [&](quint64 sofar, quint64) { progress = sofar; });
    QObject::connect(&publisher, &Publisher::sent, &context, [&](qint64, quint64 n, qint64 rec) {
        endNs = clock.nsecsElapsed();
        *acked = n;
        *receivers = rec;
        done = true;
    });
    publisher.start();
    if (!waitFor([&] { return ready || !errors.isEmpty(); }, nullptr, 10000) || !ready) {
        r->extra.insert(QStringLiteral("error"), errors.isEmpty()
                                                     ? QStringLiteral("publisher never ready")
                                                     : errors.join(QStringLiteral("; ")));
        return false;
    }
    const QByteArray payload = makePayload(1, o.size);
    CpuMeter cpu(o.settings);
    cpu.start();
    clock.start();
    publisher.send(command, target, payload, int(o.messages));
    waitFor([&] { return done; }, [&] { return progress; }, o.idleMs);
    if (!done)
        endNs = clock.nsecsElapsed();
    r->extra.insert(QStringLiteral("cpu"), cpu.stop());
    publisher.stopAndWait(5000);
    r->seconds = double(endNs) / 1e9;
    if (!errors.isEmpty())
        r->extra.insert(QStringLiteral("error"), errors.join(QStringLiteral("; ")));
    return done;
}

} // namespace

bool runPublishList(const Options& o, Result* r)
{
    r->name = QStringLiteral("publish-list");
    r->messages = o.messages;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:publish-list") : o.key;
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        r->extra.insert(QStringLiteral("error"), c.error());
        return false;
    }
    c.command({"DEL", key});
    quint64 acked = 0;
    qint64 receivers = 0;
    const bool ok = publishBurst(o, PublisherWorker::Command::LPush, key, r, &acked, &receivers);
    const RedisReply len = c.command({"LLEN", key});
    const qint64 n = len.isInteger() ? len.integer : 0;
    r->lost = n < qint64(o.messages) ? o.messages - quint64(n) : 0;
    r->duplicated = n > qint64(o.messages) ? quint64(n) - o.messages : 0;
    r->extra.insert(QStringLiteral("acknowledged"), double(acked));
    r->extra.insert(QStringLiteral("list_length"), double(n));
    c.command({"DEL", key});
    return ok;
}

bool runPublishPubSub(const Options& o, Result* r)
{
    r->name = QStringLiteral("publish-pubsub");
    r->messages = o.messages;
    const QByteArray channel = o.key.isEmpty() ? QByteArray("bench:publish-pubsub") : o.key;
    quint64 acked = 0;
    qint64 receivers = 0;
    const bool ok =
        publishBurst(o, PublisherWorker::Command::Publish, channel, r, &acked, &receivers);
    // Nobody subscribes: every PUBLISH must be acknowledged, each reaching 0 receivers.
    r->lost = acked < o.messages ? o.messages - acked : 0;
    r->duplicated = acked > o.messages ? acked - o.messages : 0;
    r->extra.insert(QStringLiteral("acknowledged"), double(acked));
    r->extra.insert(QStringLiteral("receivers_reported"), double(receivers));
    r->extra.insert(QStringLiteral("subscribers"), 0);
    return ok;
}

} // namespace rqc::bench
