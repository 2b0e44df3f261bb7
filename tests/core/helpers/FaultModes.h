#pragma once
// Shared by the fault tests (tst_faults_*): one consumer of any mode, run through the fault
// proxy, with what it received, what it reported and — for the precise modes — the ledger.
// Header-only.

#include "Consumer.h"
#include "FaultProxy.h"
#include "PreciseSupport.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTest>

#include <memory>

namespace rqc::test {

inline QByteArray payloadOf(const QByteArray& prefix, int i, int size)
{
    QByteArray p = prefix + '-' + QByteArray::number(i);
    if (size > p.size())
        p += QByteArray(size - p.size(), '.');
    return p;
}

// One consumer of `mode` on a target of its own, consuming through `settings` (the proxy); the
// test produces straight to the server.
struct ModeRun {
    Mode mode;
    QByteArray target;
    std::unique_ptr<Consumer> consumer;
    std::unique_ptr<ConsumerRecorder> rec;
    std::unique_ptr<PreciseRecorder> precise;
    QSet<QByteArray> produced;
    QHash<QByteArray, QList<QByteArray>> batches;

    ModeRun(Mode m, const QByteArray& tag, const ConnectionSettings& settings)
        : mode(m)
    {
        target = ConsumerSpec::modeName(m).toUtf8() + '-' + tag;
        QByteArray consumed = target;
        if (m == Mode::Pattern)
            consumed = target + ".*";
        // Streams from the start: what is produced right after "listening" (which shows before
        // the group or the tail position is set up) is not skipped.
        QMap<QString, QString> options;
        if (m == Mode::Stream || m == Mode::Tail)
            options.insert(QStringLiteral("from"), QStringLiteral("0"));
        consumer = std::make_unique<Consumer>(settings, makeSpec(m, consumed, options));
        rec = std::make_unique<ConsumerRecorder>(consumer.get());
        if (isPrecise())
            precise = std::make_unique<PreciseRecorder>(consumer.get());
    }
    ~ModeRun()
    {
        if (consumer)
            consumer->stopAndWait(3000);
    }

    bool isPrecise() const { return mode == Mode::Reliable || mode == Mode::Stream; }
    // Whether every message produced while it is connected arrives (no gap in between).
    bool lossless() const { return mode != Mode::PubSub && mode != Mode::Pattern; }
    // Whether messages produced during a gap still arrive afterwards (they wait in Redis).
    bool keepsGap() const
    {
        return mode == Mode::Reliable || mode == Mode::Stream || mode == Mode::Tail;
    }

    bool start()
    {
        consumer->start();
        return rec->waitForState(ConsumerState::Listening, 15000);
    }

    // Produces count messages "<prefix>-i" straight to the server, pipelined.
    void produce(SyncClient& c, const QByteArray& prefix, int count, int size = 0)
    {
        QList<QList<QByteArray>> cmds;
        for (int i = 0; i < count; ++i) {
            const QByteArray p = payloadOf(prefix, i, size);
            produced.insert(p);
            batches[prefix].append(p);
            switch (mode) {
            case Mode::PubSub:
                cmds << QList<QByteArray>{"PUBLISH", target, p};
                break;
            case Mode::Pattern:
                cmds << QList<QByteArray>{"PUBLISH", target + ".x", p};
                break;
            case Mode::Stream:
            case Mode::Tail:
                cmds << QList<QByteArray>{"XADD", target, "*", "message", p};
                break;
            default:
                cmds << QList<QByteArray>{"LPUSH", target, p};
                break;
            }
        }
        c.pipeline(cmds, 60000);
    }

    // Payloads received (observe: the produce rows).
    QSet<QByteArray> received() const
    {
        QSet<QByteArray> out;
        for (const Message& m : rec->messages) {
            if (mode == Mode::Observe &&
                !(m.observed && m.observed->kind == Observation::Kind::Produce))
                continue;
            out.insert(m.payload);
        }
        return out;
    }
    int deliveries() const { return int(rec->messages.size()); }
    bool receivedAll(const QByteArray& prefix) const
    {
        const QSet<QByteArray> got = received();
        for (const QByteArray& p : batches.value(prefix)) {
            if (!got.contains(p))
                return false;
        }
        return true;
    }
    // How many of a batch did not arrive.
    int missingOf(const QByteArray& prefix) const
    {
        const QSet<QByteArray> got = received();
        int n = 0;
        for (const QByteArray& p : batches.value(prefix))
            n += got.contains(p) ? 0 : 1;
        return n;
    }

    // Precise modes: every produced message was delivered, everything is acked (nothing left
    // queued or pending on the server), and no message was counted acked twice: acks confirmed
    // (acked) never exceed the messages, and with the acks whose first reply was lost in the
    // fault (re-sent, then found done: gone) they cover every message. Re-deliveries (at least
    // once) are allowed and counted apart (deliveries() - produced.size()).
    bool ledgerHolds(SyncClient& c, QString* why) const
    {
        const QSet<QByteArray> got = received();
        const qsizetype missing = (produced - got).size();
        qint64 left = 0;
        if (mode == Mode::Reliable) {
            const ListLedger l = listLedger(c, target);
            left = l.queued + l.pending + l.dead;
        } else {
            const RedisReply r = c.command({"XPENDING", target, "rqconsole"});
            left = r.elements.value(0).integer;
        }
        const quint64 acked = precise->counters.acked;
        *why = QStringLiteral("produced %1, missing %2, left on the server %3, acked %4, "
                              "deliveries %5, gone %6")
                   .arg(produced.size())
                   .arg(missing)
                   .arg(left)
                   .arg(acked)
                   .arg(deliveries())
                   .arg(precise->counters.gone);
        const quint64 n = quint64(produced.size());
        return missing == 0 && left == 0 && acked <= n && acked + precise->counters.gone >= n;
    }
};

inline QList<Mode> consumerModes()
{
    return {Mode::PubSub, Mode::Pattern, Mode::List,   Mode::Reliable,
            Mode::Stream, Mode::Tail,    Mode::Observe};
}

} // namespace rqc::test
