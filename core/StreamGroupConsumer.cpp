#include "StreamGroupConsumer.h"

#include "LuaScript.h"
#include "RedisConnection.h"
#include "ReliableRecovery.h"

#include <QHash>
#include <QTimer>

#include <climits>

namespace rqc {

namespace {
// KEYS: stream, dead. ARGV: group, id… Per id: 1 dead-lettered, 0 not pending, -1 deleted while
// pending (acked away, nothing to copy). The copy and the XACK happen in one script, so an entry
// is dead-lettered once even when two consoles try at the same moment.
const LuaScript kDeadLetter(R"lua(
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  local e = redis.call('XRANGE', KEYS[1], id, id)
  if redis.call('XACK', KEYS[1], ARGV[1], id) == 0 then
    out[#out + 1] = 0
  elseif #e == 0 then
    out[#out + 1] = -1
  else
    local f = e[1][2]
    f[#f + 1] = 'origin-id'
    f[#f + 1] = id
    f[#f + 1] = 'origin-group'
    f[#f + 1] = ARGV[1]
    if #p > 0 then
      f[#f + 1] = 'deliveries'
      f[#f + 1] = tostring(p[1][4])
    end
    redis.call('XADD', KEYS[2], '*', unpack(f))
    out[#out + 1] = 1
  end
end
return out
)lua");

// KEYS: stream. ARGV: group, consumer, id… Claims each entry back to the same consumer (counting
// one more delivery) only while that consumer still owns it. Per id: {1, entry, count},
// {0} not ours any more, {-1} deleted while pending.
const LuaScript kRequeue(R"lua(
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  if #p == 0 or p[1][2] ~= ARGV[2] then
    out[#out + 1] = {0}
  else
    local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id)
    if #c == 0 or not c[1] then
      redis.call('XACK', KEYS[1], ARGV[1], id)
      out[#out + 1] = {-1}
    else
      out[#out + 1] = {1, c[1], p[1][4] + 1}
    end
  end
end
return out
)lua");

// KEYS: stream. ARGV: group, consumer, min idle ms, count, start id. Claims the entries of the
// group's OTHER consumers idle for min idle or longer, scanning the PEL from start id.
// Returns {next start id or "0-0" at the end, claimed entries}.
const LuaScript kClaimOthers(R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], ARGV[5], '+', ARGV[4])
local ids = {}
for _, e in ipairs(p) do
  if e[2] ~= ARGV[2] then ids[#ids + 1] = e[1] end
end
local next = '0-0'
if #p == tonumber(ARGV[4]) then next = '(' .. p[#p][1] end
if #ids == 0 then return {next, {}} end
return {next, redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], unpack(ids))}
)lua");

QByteArray optionBytes(const ConsumerSpec& spec, const char* key, const char* fallback)
{
    const QString v = spec.option(QString::fromLatin1(key));
    return v.isEmpty() ? QByteArray(fallback) : v.toUtf8();
}
} // namespace

StreamGroupConsumer::StreamGroupConsumer(const ConnectionSettings& settings,
                                         const ConsumerSpec& spec, QObject* parent)
    : AckingConsumer(settings, spec, parent)
{
    m_group = optionBytes(spec, "group", "rqconsole");
    m_field = optionBytes(spec, "field", "message");
    m_from = optionBytes(spec, "from", "$");
    m_count = optionBytes(spec, "count", "1000");
    // block=0 (the default) waits a bounded time, issued again: a silent network is noticed.
    m_block = optionBytes(spec, "block", "0");
    if (m_block.toLongLong() <= 0)
        m_block = settings.blockMillisArg();
    m_dead = optionBytes(spec, "dead", "");
    m_deadGiven = !m_dead.isEmpty();
    if (!m_deadGiven) // in a cluster, hash-tagged to share the stream's slot (one script)
        m_dead = ReliableListKeys::prefixFor(spec.target, settings.cluster) + ":dead";
    bool ok = false;
    const qint64 idle = spec.option(QStringLiteral("minidle")).toLongLong(&ok);
    if (ok && idle >= 0)
        m_minIdleMs = idle;
    const qint64 interval = spec.option(QStringLiteral("claiminterval")).toLongLong(&ok);
    if (ok && interval > 0)
        m_claimIntervalMs = interval;
}

void StreamGroupConsumer::onClusterFound()
{
    if (!m_deadGiven)
        m_dead = ReliableListKeys::prefixFor(spec().target, true) + ":dead";
}

QByteArray StreamGroupConsumer::heartbeatKey(const QByteArray& stream, const QByteArray& group,
                                             const QByteArray& consumer)
{
    return stream + ":alive:" + group + ':' + consumer;
}

QByteArray StreamGroupConsumer::heartbeatKeyFor(const QByteArray& consumer) const
{
    // In a cluster, {stream}:alive:… lives on the stream's node, where the consumer's
    // connections are.
    return heartbeatKey(ReliableListKeys::prefixFor(spec().target, settings().cluster), m_group,
                        consumer);
}

QString StreamGroupConsumer::gapNote() const
{
    return tr("Nothing was lost: entries added during the gap are read now; entries read before "
              "it stay pending until acked.");
}

Message StreamGroupConsumer::entryToMessage(const RedisReply& entry, const QByteArray& stream,
                                            const QByteArray& payloadField)
{
    Message m;
    m.source = stream;
    m.id = entry.elements.value(0).str;
    const QList<RedisReply> kv = entry.elements.value(1).elements;
    m.fields.reserve(kv.size() / 2);
    for (qsizetype i = 0; i + 1 < kv.size(); i += 2) {
        m.fields.append({kv[i].str, kv[i + 1].str});
        if (m.payload.isNull() && kv[i].str == payloadField)
            m.payload = kv[i + 1].str;
    }
    return m;
}

void StreamGroupConsumer::onStarted()
{
    emit identityChosen(consumerName(), m_group);
    if (m_claimIntervalMs > 0 && ackPolicy() != AckPolicy::None) {
        auto* timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, [this] {
            if (!m_claimingOthers && opsReady() && !isStopping()) {
                m_claimingOthers = true;
                claimOthers("-", 0);
            }
        });
        timer->start(int(qMin<qint64>(m_claimIntervalMs, INT_MAX)));
    }
    createGroup([this] {
        if (ackPolicy() == AckPolicy::None)
            readNew();
        else
            readHistory("0");
    });
}

void StreamGroupConsumer::createGroup(std::function<void()> then)
{
    if (!proceed())
        return;
    connection()->send({"XGROUP", "CREATE", spec().target, m_group, m_from, "MKSTREAM"},
                       [this, then](const RedisReply& r) {
                           if (r.isError() && !r.str.startsWith("BUSYGROUP")) {
                               fail(QString::fromUtf8(r.str));
                               return;
                           }
                           if (!r.isError()) // OK, not BUSYGROUP: the group is this console's
                               emit groupCreated(m_group);
                           then();
                       });
}

void StreamGroupConsumer::readHistory(const QByteArray& after)
{
    if (!proceed())
        return;
    connection()->send(
        {"XREADGROUP", "GROUP", m_group, consumerName(), "COUNT", m_count, "STREAMS", spec().target,
         after},
        [this](const RedisReply& r) {
            if (r.isError()) {
                fail(QString::fromUtf8(r.str));
                return;
            }
            const QList<RedisReply> entries = r.isArray() && !r.elements.isEmpty()
                                                  ? r.elements[0].elements.value(1).elements
                                                  : QList<RedisReply>();
            if (entries.isEmpty()) {
                readNew();
                return;
            }
            const QByteArray last = entries.last().elements.value(0).str;
            deliverPending(connection(), entries,
                           [this, last](qint64, qint64, QList<QByteArray>) { readHistory(last); });
        });
}

void StreamGroupConsumer::deliverPending(
    RedisConnection* conn, const QList<RedisReply>& entries,
    std::function<void(qint64, qint64, QList<QByteArray>)> then)
{
    QList<RedisReply> live;
    QList<QByteArray> vanished;
    for (const RedisReply& e : entries) {
        if (e.isNil())
            continue; // Redis 6.2's XAUTOCLAIM: a deleted entry, reported by id elsewhere
        if (e.elements.value(1).isArray())
            live.append(e);
        else
            vanished.append(e.elements.value(0).str);
    }
    auto settleRest = [this, conn, then, vanished](QList<Message> ok, QList<QByteArray> over) {
        const qint64 delivered = ok.size();
        for (Message& m : ok)
            deliverEntry(std::move(m)); // ack=auto: acked once emitted, like every entry
        if (over.isEmpty() && vanished.isEmpty()) {
            then(delivered, 0, vanished);
            return;
        }
        QList<QByteArray> args{m_group};
        args += over;
        args += vanished; // the script acks them away and answers -1
        kDeadLetter.run(conn, {spec().target, m_dead}, args,
                        [this, then, over, vanished, delivered](const RedisReply& r) {
                            qint64 dead = 0;
                            for (qsizetype i = 0; i < over.size(); ++i) {
                                if (r.elements.value(i).integer == 1)
                                    ++dead;
                            }
                            counters().deadLettered += quint64(dead);
                            counters().trimmed += quint64(vanished.size());
                            if (dead) {
                                emit notice(tr("%1 entr(ies) passed %2 deliveries and went to %3.")
                                                .arg(dead)
                                                .arg(maxDeliveries())
                                                .arg(QString::fromUtf8(m_dead)));
                            }
                            if (!vanished.isEmpty()) {
                                emit notice(tr("Deleted or trimmed while pending (acked away): %1")
                                                .arg(QString::fromUtf8(vanished.join(' '))));
                            }
                            countersTouched();
                            then(delivered, dead, vanished);
                        });
    };
    if (live.isEmpty()) {
        settleRest({}, {});
        return;
    }
    const QByteArray first = live.first().elements.value(0).str;
    const QByteArray last = live.last().elements.value(0).str;
    conn->send({"XPENDING", spec().target, m_group, first, last,
                QByteArray::number(live.size() * 2 + 16), consumerName()},
               [this, live, settleRest](const RedisReply& r) {
                   QHash<QByteArray, int> counts;
                   for (const RedisReply& p : r.elements)
                       counts.insert(p.elements.value(0).str, int(p.elements.value(3).integer));
                   QList<Message> ok;
                   QList<QByteArray> over;
                   for (const RedisReply& e : live) {
                       Message m = entryToMessage(e, spec().target, m_field);
                       m.deliveryCount = qMax(1, counts.value(m.id, 1));
                       if (m.deliveryCount > maxDeliveries())
                           over.append(m.id);
                       else
                           ok.append(std::move(m));
                   }
                   settleRest(std::move(ok), std::move(over));
               });
}

void StreamGroupConsumer::deliverEntry(Message&& m)
{
    if (ackPolicy() != AckPolicy::None)
        m_pending.insert(m.id);
    if (m.deliveryCount > 1)
        ++counters().redelivered;
    deliver(std::move(m));
    countersTouched();
}

void StreamGroupConsumer::readNew()
{
    if (!proceed() || !roomFor([this] { readNew(); }))
        return;
    QList<QByteArray> argv{"XREADGROUP", "GROUP", m_group, consumerName(),
                           "COUNT",      m_count, "BLOCK", m_block};
    if (ackPolicy() == AckPolicy::None)
        argv << "NOACK";
    argv << "STREAMS" << spec().target << ">";
    m_blocking = true;
    connection()->send(argv, [this](const RedisReply& r) {
        m_blocking = false;
        if (r.isError()) {
            if (r.str.startsWith("NOGROUP")) { // the group was destroyed: create it again
                emit notice(
                    tr("Group %1 was missing; created it again.").arg(QString::fromUtf8(m_group)));
                createGroup([this] { readNew(); });
                return;
            }
            fail(QString::fromUtf8(r.str));
            return;
        }
        if (r.isArray()) {
            for (const RedisReply& s : r.elements) {
                for (const RedisReply& e : s.elements.value(1).elements)
                    deliverEntry(entryToMessage(e, spec().target, m_field));
            }
        }
        readNew();
    });
}

int StreamGroupConsumer::encodeAutoAcks(const MessageList& messages, QByteArray& encoded)
{
    QList<QByteArray> argv{"XACK", spec().target, m_group};
    argv.reserve(messages.size() + 3);
    for (const Message& m : messages)
        argv.append(m.id);
    appendCommand(encoded, argv);
    return 1;
}

void StreamGroupConsumer::autoAcksAnswered(const MessageList& messages, QList<RedisReply>& replies)
{
    const RedisReply& r = replies.value(0);
    const qint64 acked = r.isInteger() ? r.integer : 0;
    counters().acked += quint64(acked);
    counters().gone += quint64(messages.size() - acked); // claimed elsewhere meanwhile
    for (const Message& m : messages)
        m_pending.remove(m.id);
}

void StreamGroupConsumer::onConnectionLost()
{
    m_blocking = false;
    AckingConsumer::onConnectionLost();
}

void StreamGroupConsumer::onResumed()
{
    if (ackPolicy() == AckPolicy::None) {
        readNew();
        return;
    }
    // A lost XREADGROUP reply leaves entries in our PEL that the pane never saw: find them
    // (XPENDING does not count a delivery) and deliver them.
    connection()->send({"XPENDING", spec().target, m_group, "-", "+", "10000", consumerName()},
                       [this](const RedisReply& r) {
                           if (r.isError()) {
                               if (r.str.startsWith("NOGROUP"))
                                   createGroup([this] { readNew(); });
                               else
                                   fail(QString::fromUtf8(r.str));
                               return;
                           }
                           QList<QPair<QByteArray, int>> unseen;
                           for (const RedisReply& p : r.elements) {
                               const QByteArray id = p.elements.value(0).str;
                               if (!m_pending.contains(id))
                                   unseen.append({id, int(p.elements.value(3).integer)});
                           }
                           if (unseen.isEmpty()) {
                               readNew();
                               return;
                           }
                           QByteArray encoded;
                           for (const auto& u : unseen)
                               appendCommand(encoded, {"XRANGE", spec().target, u.first, u.first});
                           connection()->sendEncoded(
                               encoded, int(unseen.size()),
                               [this, unseen](QList<RedisReply>& replies) {
                                   for (qsizetype i = 0; i < unseen.size(); ++i) {
                                       const RedisReply e = replies.value(i).elements.value(0);
                                       if (!e.isArray())
                                           continue; // deleted: the next claim reports it
                                       Message m = entryToMessage(e, spec().target, m_field);
                                       m.deliveryCount = qMax(1, unseen[i].second);
                                       deliverEntry(std::move(m));
                                   }
                                   readNew();
                               });
                       });
}

void StreamGroupConsumer::doSettle(SettleAction action, qint64 requestId,
                                   const MessageList& messages)
{
    SettleResult base;
    base.requestId = requestId;
    base.action = action;
    if (messages.isEmpty()) {
        finishSettle(base);
        return;
    }
    if (action == SettleAction::Ack) {
        QByteArray encoded;
        for (const Message& m : messages)
            appendCommand(encoded, {"XACK", spec().target, m_group, m.id});
        ops()->sendEncoded(encoded, int(messages.size()),
                           [this, base, messages](QList<RedisReply>& replies) {
                               SettleResult result = base;
                               for (qsizetype i = 0; i < messages.size(); ++i) {
                                   const RedisReply& r = replies[i];
                                   if (r.isError()) {
                                       result.error = QString::fromUtf8(r.str);
                                   } else if (r.integer > 0) {
                                       result.done.append(messages[i].seq);
                                       ++counters().acked;
                                   } else {
                                       result.gone.append(messages[i].seq);
                                       ++counters().gone;
                                   }
                                   m_pending.remove(messages[i].id);
                               }
                               finishSettle(result);
                           });
        return;
    }
    QList<QByteArray> ids;
    for (const Message& m : messages)
        ids.append(m.id);
    if (action == SettleAction::DeadLetter) {
        QList<QByteArray> args{m_group};
        args += ids;
        kDeadLetter.run(ops(), {spec().target, m_dead}, args,
                        [this, base, messages](const RedisReply& r) {
                            SettleResult result = base;
                            if (r.isError())
                                result.error = QString::fromUtf8(r.str);
                            for (qsizetype i = 0; i < messages.size() && !r.isError(); ++i) {
                                const qint64 v = r.elements.value(i).integer;
                                if (v == 1) {
                                    result.done.append(messages[i].seq);
                                    ++counters().deadLettered;
                                } else {
                                    result.gone.append(messages[i].seq);
                                    if (v < 0)
                                        ++counters().trimmed;
                                    else
                                        ++counters().gone;
                                }
                                m_pending.remove(messages[i].id);
                            }
                            finishSettle(result);
                        });
        return;
    }
    // Requeue: deliver again now, counting one more delivery.
    QList<QByteArray> args{m_group, consumerName()};
    args += ids;
    kRequeue.run(ops(), {spec().target}, args, [this, base, messages](const RedisReply& r) {
        SettleResult result = base;
        if (r.isError()) {
            result.error = QString::fromUtf8(r.str);
            finishSettle(result);
            return;
        }
        QList<RedisReply> again;
        for (qsizetype i = 0; i < messages.size(); ++i) {
            const RedisReply item = r.elements.value(i);
            const qint64 status = item.elements.value(0).integer;
            m_pending.remove(messages[i].id);
            if (status == 1) {
                result.done.append(messages[i].seq);
                ++counters().requeued;
                again.append(item.elements.value(1));
            } else {
                result.gone.append(messages[i].seq);
                ++(status < 0 ? counters().trimmed : counters().gone);
            }
        }
        finishSettle(result);
        deliverPending(ops(), again, [](qint64, qint64, QList<QByteArray>) {});
    });
}

void StreamGroupConsumer::doRecover(qint64 requestId) { doClaim(requestId, m_minIdleMs); }

void StreamGroupConsumer::doClaim(qint64 requestId, qint64 minIdleMs)
{
    if (ackPolicy() == AckPolicy::None) {
        RecoveryReport r;
        r.requestId = requestId;
        r.error = unsupported(tr("Claiming with ack=none"));
        finishRecovery(r);
        return;
    }
    RecoveryReport report;
    report.requestId = requestId;
    claimRound(QByteArray::number(minIdleMs < 0 ? m_minIdleMs : minIdleMs), "0-0", report,
               [this](const RecoveryReport& r) { finishRecovery(r); });
}

void StreamGroupConsumer::claimOthers(const QByteArray& cursor, qint64 claimed)
{
    if (!opsReady() || isStopping()) {
        m_claimingOthers = false;
        return;
    }
    kClaimOthers.run(
        ops(), {spec().target},
        {m_group, consumerName(), QByteArray::number(m_minIdleMs), m_count, cursor},
        [this, claimed](const RedisReply& r) {
            if (r.isError() || r.elements.size() < 2) {
                m_claimingOthers = false;
                const QString error = QString::fromUtf8(r.isError() ? r.str : r.toDebugString());
                if (error != m_lastClaimError) // once, not at every interval
                    emit errorOccurred(error);
                m_lastClaimError = error;
                return;
            }
            m_lastClaimError.clear();
            const QByteArray next = r.elements[0].str;
            deliverPending(ops(), r.elements[1].elements,
                           [this, claimed, next](qint64 delivered, qint64, QList<QByteArray>) {
                               const qint64 total = claimed + delivered;
                               if (next != "0-0" && opsReady()) {
                                   claimOthers(next, total);
                                   return;
                               }
                               m_claimingOthers = false;
                               if (total) {
                                   emit notice(tr("Claimed %n idle entr(ies) from other "
                                                  "consumers of the group.",
                                                  nullptr, int(total)));
                               }
                           });
        });
}

void StreamGroupConsumer::claimRound(const QByteArray& minIdle, const QByteArray& cursor,
                                     RecoveryReport report,
                                     std::function<void(const RecoveryReport&)> done)
{
    ops()->send(
        {"XAUTOCLAIM", spec().target, m_group, consumerName(), minIdle, cursor, "COUNT", m_count},
        [this, minIdle, report, done](const RedisReply& r) mutable {
            if (r.isError() || !r.isArray() || r.elements.size() < 2) {
                report.error = QString::fromUtf8(r.isError() ? r.str : r.toDebugString());
                done(report);
                return;
            }
            const QByteArray next = r.elements[0].str;
            for (const RedisReply& id : r.elements.value(2).elements)
                report.trimmed.append(id.str);
            if (!r.elements.value(2).elements.isEmpty()) {
                counters().trimmed += quint64(r.elements[2].elements.size());
                emit notice(tr("Deleted or trimmed while pending: %1")
                                .arg(QString::fromUtf8(report.trimmed.join(' '))));
            }
            deliverPending(ops(), r.elements[1].elements,
                           [this, minIdle, next, report, done](qint64 delivered, qint64 dead,
                                                               QList<QByteArray> vanished) mutable {
                               report.requeued += delivered;
                               report.deadLettered += dead;
                               report.trimmed += vanished;
                               if (next == "0-0" || !opsReady()) {
                                   done(report);
                                   return;
                               }
                               claimRound(minIdle, next, report, done);
                           });
        });
}

} // namespace rqc
