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
#include <QJsonArray>

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

// publish-template: load mode with {{seq}} and {{uuid}} (expanded per message on the publisher's
// thread), N messages as fast as possible (LPUSH), compared by bench.sh with publish-list in the
// same run; then paced runs at 1 000, 10 000 and 50 000 msgs/s (two seconds' worth each), whose
// achieved rates (acknowledged / time from sendLoad() to sent()) are reported beside the asked.
namespace rqc::bench {

namespace {

struct LoadOutcome {
    bool done = false;
    quint64 acked = 0;
    double seconds = 0;
    QString error;
};

LoadOutcome runLoad(const Options& o, const QByteArray& key, const QByteArray& text,
                    const LoadPacer::Limits& limits, CpuMeter* cpu)
{
    LoadOutcome out;
    QObject context;
    Publisher publisher(o.settings);
    bool ready = false;
    QStringList errors;
    quint64 progress = 0;
    QElapsedTimer clock;
    QObject::connect(&publisher, &Publisher::ready, &context, [&] { ready = true; });
    QObject::connect(&publisher, &Publisher::errorOccurred, &context,
                     [&](const QString& e) { errors << e; });
    QObject::connect(&publisher, &Publisher::loadProgress, &context,
                     [&](qint64, quint64 acked, qint64, qint64) { progress = acked; });
    QObject::connect(&publisher, &Publisher::sent, &context, [&](qint64, quint64 n, qint64) {
        out.seconds = double(clock.nsecsElapsed()) / 1e9;
        out.acked = n;
        out.done = true;
    });
    publisher.start();
    if (!waitFor([&] { return ready || !errors.isEmpty(); }, nullptr, 10000) || !ready) {
        out.error = errors.isEmpty() ? QStringLiteral("publisher never ready")
                                     : errors.join(QStringLiteral("; "));
        return out;
    }
    if (cpu)
        cpu->start();
    clock.start();
    publisher.sendLoad(PublisherWorker::Command::LPush, key, text, {}, limits);
    waitFor([&] { return out.done; }, [&] { return progress + quint64(clock.elapsed() / 1000); },
            o.idleMs);
    if (!out.done)
        out.seconds = double(clock.nsecsElapsed()) / 1e9;
    publisher.stopAndWait(5000);
    if (!errors.isEmpty())
        out.error = errors.join(QStringLiteral("; "));
    return out;
}

} // namespace

bool runPublishTemplate(const Options& o, Result* r)
{
    r->name = QStringLiteral("publish-template");
    r->messages = o.messages;
    const QByteArray key = o.key.isEmpty() ? QByteArray("bench:publish-template") : o.key;
    SyncClient c(o.settings);
    if (!c.isConnected()) {
        r->extra.insert(QStringLiteral("error"), c.error());
        return false;
    }
    // "<seq> <uuid> " then filler up to about the bench's payload size (seq varies in width).
    QByteArray text = "{{seq}} {{uuid}} ";
    const int filler = o.size - 45;
    if (filler > 0)
        text += QByteArray(filler, 'x');
    r->extra.insert(QStringLiteral("template"), QString::fromUtf8(text));
    c.command({"DEL", key});
    CpuMeter cpu(o.settings);
    const LoadOutcome fast = runLoad(o, key, text, {0, o.messages, 0}, &cpu);
    r->extra.insert(QStringLiteral("cpu"), cpu.stop());
    r->seconds = fast.seconds;
    const RedisReply len = c.command({"LLEN", key});
    const qint64 n = len.isInteger() ? len.integer : 0;
    r->lost = n < qint64(o.messages) ? o.messages - quint64(n) : 0;
    r->duplicated = n > qint64(o.messages) ? quint64(n) - o.messages : 0;
    r->extra.insert(QStringLiteral("acknowledged"), double(fast.acked));
    // Order kept: the newest (head) is message N, the oldest (tail) message 1.
    const QByteArray head = c.command({"LINDEX", key, "0"}).str;
    const QByteArray tail = c.command({"LINDEX", key, "-1"}).str;
    const bool ordered = head.startsWith(QByteArray::number(o.messages) + ' ') &&
                         tail.startsWith("1 ") && head.size() > 40;
    r->extra.insert(QStringLiteral("ordered"), ordered);
    c.command({"DEL", key});
    QString error = fast.error;
    if (!ordered && error.isEmpty())
        error = QStringLiteral("first/last message out of place: %1 / %2")
                    .arg(QString::fromUtf8(head.left(50)), QString::fromUtf8(tail.left(50)));

    QJsonArray paced;
    for (const quint64 rate : {quint64(1000), quint64(10000), quint64(50000)}) {
        const quint64 count = 2 * rate;
        const LoadOutcome run = runLoad(o, key, text, {rate, count, 0}, nullptr);
        const RedisReply plen = c.command({"LLEN", key});
        c.command({"DEL", key});
        // count messages span count-1 intervals of 1/rate: the rate they were sent at.
        const double achieved = run.seconds > 0 ? double(run.acked - 1) / run.seconds : 0;
        QJsonObject p;
        p.insert(QStringLiteral("requested"), double(rate));
        p.insert(QStringLiteral("messages"), double(count));
        p.insert(QStringLiteral("acknowledged"), double(run.acked));
        p.insert(QStringLiteral("list_length"), double(plen.integer));
        p.insert(QStringLiteral("seconds"), run.seconds);
        p.insert(QStringLiteral("achieved"), qRound(achieved * 10) / 10.0);
        p.insert(QStringLiteral("error_pct"),
                 qRound((achieved - double(rate)) / double(rate) * 1000) / 10.0);
        paced.append(p);
        if (run.acked != count || plen.integer != qint64(count)) {
            r->lost += count > quint64(plen.integer) ? count - quint64(plen.integer) : 0;
            if (error.isEmpty())
                error = QStringLiteral("paced %1/s: %2 of %3 acknowledged")
                            .arg(rate)
                            .arg(run.acked)
                            .arg(count);
        }
    }
    r->extra.insert(QStringLiteral("paced"), paced);
    if (!error.isEmpty())
        r->extra.insert(QStringLiteral("error"), error);
    return fast.done;
}

} // namespace rqc::bench
