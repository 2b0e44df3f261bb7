#include "AckingConsumer.h"

#include "ClusterMap.h"
#include "LuaScript.h"
#include "RedisConnection.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSysInfo>
#include <QTimer>

#include <utility>

namespace rqc {

namespace {
constexpr int kCountersIntervalMs = 100;
constexpr int kMaxNameAttempts = 1000;
constexpr int kAckRetryMs = 200;

// An error that says "not now" rather than "never": a server still loading its data after a
// restart, busy with a script, or a cluster slot in migration. Acks answered so are owed again.
bool isTransientError(const QList<RedisReply>& replies)
{
    for (const RedisReply& r : replies) {
        if (r.isError() && (r.str.startsWith("LOADING") || r.str.startsWith("BUSY") ||
                            r.str.startsWith("TRYAGAIN") || r.str.startsWith("MASTERDOWN") ||
                            r.str.startsWith("CLUSTERDOWN") || r.str.startsWith("MOVED ") ||
                            r.str.startsWith("ASK ")))
            return true;
    }
    return false;
}

// Deletes the heartbeat only while it is still ours (another consumer may have claimed the name
// after ours expired).
const LuaScript kReleaseHeartbeat("if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
                                  "  return redis.call('DEL', KEYS[1])\n"
                                  "end\n"
                                  "return 0\n");
} // namespace

AckingConsumer::AckingConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                               QObject* parent)
    : ConsumerWorker(settings, spec, parent)
{
    const QString ack = spec.option(QStringLiteral("ack"), QStringLiteral("auto"));
    m_policy = ack == QLatin1String("manual") ? AckPolicy::Manual
               : ack == QLatin1String("none") ? AckPolicy::None
                                              : AckPolicy::Auto;
    bool ok = false;
    const int max = spec.option(QStringLiteral("maxdeliveries")).toInt(&ok);
    if (ok && max > 0)
        m_maxDeliveries = max;
    const int hb = spec.option(QStringLiteral("heartbeat")).toInt(&ok);
    if (ok && hb >= 300)
        m_heartbeatMs = hb;
    m_consumer = spec.option(QStringLiteral("consumer")).toUtf8();
    m_nameGiven = !m_consumer.isEmpty();
    // A stop reports every request still open, so the UI is never left waiting.
    connect(this, &ConsumerWorker::stopped, this, [this] {
        failOpenRequests(tr("The consumer stopped before Redis answered; the messages stay "
                            "pending and will be delivered again."));
        failWaiting(tr("The consumer stopped."));
        if (m_countersTimer && m_countersTimer->isActive())
            emitCounters();
    });
}

AckingConsumer::~AckingConsumer() = default;

QByteArray AckingConsumer::defaultNameBase() const
{
    QByteArray host = QSysInfo::machineHostName().toUtf8();
    if (host.isEmpty())
        host = "rqconsole";
    return host;
}

QString AckingConsumer::unsupported(const QString& what)
{
    return tr("%1 is not possible in this mode.").arg(what);
}

bool AckingConsumer::opsReady() const { return m_ops && m_ops->isReady(); }

void AckingConsumer::onReady()
{
    if (m_token.isEmpty()) {
        m_token = QSysInfo::machineHostName().toUtf8() + " pid " +
                  QByteArray::number(QCoreApplication::applicationPid()) + " since " +
                  QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
    }
    // Until a name is claimed (also when the connection dropped during the claim), claim one.
    if (!m_started) {
        claimName(1);
        return;
    }
    onResumed();
}

void AckingConsumer::onConnectionLost()
{
    // Only at a stop are acks sent on the consuming connection (when ops was not ready).
    reoweAutoAcks(connection());
    if (m_farewellConn && m_farewellConn == connection() && !m_farewellDone) {
        m_farewellConn = nullptr;
        startFarewell(); // on ops if it is ready now; finish() follows this call
    }
}

void AckingConsumer::onBatchEmitted(const MessageList& batch)
{
    if (m_policy != AckPolicy::Auto || batch.isEmpty())
        return;
    if (m_autoOwed.isEmpty())
        m_autoOwed = batch; // shared, not copied
    else
        m_autoOwed += batch;
    // Pipelined on ops, which never waits behind a blocking read. If ops is not ready yet, its
    // ready() sends them, or the stop does.
    if (opsReady())
        sendAutoAcks(m_ops);
}

void AckingConsumer::sendAutoAcks(RedisConnection* conn)
{
    if (m_autoOwed.isEmpty() || !conn || !conn->isReady())
        return;
    AutoAcks sent{conn, std::move(m_autoOwed)};
    m_autoOwed = MessageList();
    QByteArray encoded;
    const int replies = encodeAutoAcks(sent.messages, encoded);
    m_autoInFlight.push_back(std::move(sent));
    conn->sendEncoded(encoded, replies, [this, conn](QList<RedisReply>& r) {
        for (auto it = m_autoInFlight.begin(); it != m_autoInFlight.end(); ++it) {
            if (it->conn == conn) { // replies on one connection come back in order
                const MessageList messages = std::move(it->messages);
                m_autoInFlight.erase(it);
                if (isTransientError(r)) {
                    opsRedirected(r);
                    // Not taken yet (LOADING after a restart…): owed again and retried, never
                    // counted as gone while the messages still wait in the server's pending list.
                    m_autoOwed = messages + m_autoOwed;
                    QTimer::singleShot(kAckRetryMs, this, [this] {
                        if (opsReady())
                            sendAutoAcks(m_ops);
                    });
                    break;
                }
                autoAcksAnswered(messages, r);
                break;
            }
        }
        countersTouched();
    });
}

void AckingConsumer::reoweAutoAcks(RedisConnection* conn)
{
    MessageList again;
    for (auto it = m_autoInFlight.begin(); it != m_autoInFlight.end();) {
        if (it->conn == conn) {
            again += it->messages;
            it = m_autoInFlight.erase(it);
        } else {
            ++it;
        }
    }
    if (!again.isEmpty())
        m_autoOwed = again + m_autoOwed;
}

bool AckingConsumer::lastWorkPending()
{
    if (!m_farewellStarted) {
        m_farewellStarted = true;
        startFarewell();
    }
    return !m_farewellDone;
}

void AckingConsumer::startFarewell()
{
    // The owed acks, then the heartbeat's release (so that what is still pending can be recovered
    // at once), on one connection: the release's reply comes after the acks' replies.
    RedisConnection* conn = nullptr;
    if (opsReady())
        conn = m_ops;
    else if (connection() && connection()->isReady() && !blockingInFlight())
        conn = connection();
    if (!conn || m_heartbeatKey.isEmpty()) {
        m_farewellDone = true; // what was not acked stays pending: delivered again, never lost
        return;
    }
    m_farewellConn = conn;
    sendAutoAcks(conn);
    kReleaseHeartbeat.run(conn, {m_heartbeatKey}, {m_token}, [this](const RedisReply&) {
        m_farewellDone = true;
        m_farewellConn = nullptr;
        lastWorkDone();
    });
}

void AckingConsumer::onFailed()
{
    m_failed = true;
    if (m_heartbeatTimer)
        m_heartbeatTimer->stop();
    if (m_opsRetry)
        m_opsRetry->stop();
    failWaiting(tr("The consumer failed; nothing more is settled through it."));
    RedisConnection* conn = nullptr;
    if (opsReady())
        conn = m_ops;
    else if (connection() && connection()->isReady() && !blockingInFlight())
        conn = connection();
    const auto closeAll = [this] {
        if (m_ops)
            m_ops->close();
        if (connection() && connection()->pendingReplies() == 0)
            connection()->close();
    };
    if (!conn || m_heartbeatKey.isEmpty()) {
        closeAll();
        return;
    }
    // As at a stop: the owed acks, then the release, so that what is pending is recoverable
    // at once. The key is then no longer ours: a later stop has nothing to release.
    sendAutoAcks(conn);
    const QByteArray key = std::exchange(m_heartbeatKey, QByteArray());
    kReleaseHeartbeat.run(conn, {key}, {m_token}, [closeAll](const RedisReply&) { closeAll(); });
}

void AckingConsumer::claimName(int attempt)
{
    if (!proceed())
        return;
    QByteArray candidate = m_consumer;
    if (!m_nameGiven)
        candidate = defaultNameBase() + '-' + QByteArray::number(attempt);
    const QByteArray key = heartbeatKeyFor(candidate);
    // With a fixed key (a given name, or a processing list given explicitly) there is nothing to
    // choose: take the key, and warn if another live consumer held it.
    const bool fixed = m_nameGiven || key == heartbeatKeyFor(defaultNameBase() + "-0");
    QList<QByteArray> argv{"SET", key, m_token, "PX", QByteArray::number(m_heartbeatMs)};
    argv << (fixed ? QByteArray("GET") : QByteArray("NX"));
    connection()->send(argv, [this, candidate, key, attempt, fixed](const RedisReply& r) {
        if (r.isError()) {
            fail(QString::fromUtf8(r.str));
            return;
        }
        if (!fixed && r.isNil()) { // taken by a live consumer: try the next name
            if (attempt >= kMaxNameAttempts) {
                fail(tr("No free consumer name after %1 tries.").arg(kMaxNameAttempts));
                return;
            }
            claimName(attempt + 1);
            return;
        }
        if (fixed && r.isString() && r.str != m_token) {
            emit notice(tr("Another consumer named %1 looked alive (%2); both now share its "
                           "pending messages.")
                            .arg(QString::fromUtf8(candidate), QString::fromUtf8(r.str)));
        }
        m_started = true;
        m_consumer = candidate;
        m_heartbeatKey = key;
        m_heartbeatTimer = new QTimer(this);
        connect(m_heartbeatTimer, &QTimer::timeout, this, &AckingConsumer::sendHeartbeat);
        m_heartbeatTimer->start(m_heartbeatMs / 3);
        openOps();
        onStarted();
    });
}

void AckingConsumer::sendHeartbeat()
{
    if (opsReady() && !isStopping() && !m_failed)
        m_ops->send({"SET", m_heartbeatKey, m_token, "PX", QByteArray::number(m_heartbeatMs)},
                    [this](const RedisReply& r) { opsRedirected({r}); });
}

void AckingConsumer::openOps()
{
    if (!m_ops) {
        m_ops = new RedisConnection(settings(), QStringLiteral("ops"),
                                    QString::fromUtf8(spec().target), this);
        m_opsRetry = new QTimer(this);
        m_opsRetry->setSingleShot(true);
        connect(m_opsRetry, &QTimer::timeout, this, &AckingConsumer::openOps);
        connect(m_ops, &RedisConnection::ready, this, [this] {
            m_opsBackoff.reset();
            sendHeartbeat();
            auto waiting = std::move(m_waiting);
            m_waiting.clear();
            for (auto& job : waiting)
                job.first();
            sendAutoAcks(m_ops);
        });
        connect(m_ops, &RedisConnection::failed, this, &AckingConsumer::onOpsDown);
        connect(m_ops, &RedisConnection::disconnected, this, &AckingConsumer::onOpsDown);
    }
    if (!isStopping() && !m_failed) {
        m_ops->setSettings(routedSettings());
        m_ops->open();
    }
}

bool AckingConsumer::opsRedirected(const QList<RedisReply>& replies)
{
    for (const RedisReply& r : replies) {
        ClusterRedirect redirect;
        if (!r.isError() || !ClusterMap::parseRedirect(r.str, &redirect))
            continue;
        if (redirect.ask)
            return true; // the slot is migrating: what was refused is retried on this node
        ClusterRouting::noteMoved(m_ops->settings(), redirect);
        // Reconnect ops to the slot's new owner (queued: we are inside one of its callbacks);
        // onOpsDown() owes again what it had in flight.
        QMetaObject::invokeMethod(
            this,
            [this, reason = QString::fromUtf8(r.str)] {
                if (!m_ops || !m_ops->isOpen() || isStopping())
                    return;
                m_ops->close();
                onOpsDown(reason);
            },
            Qt::QueuedConnection);
        return true;
    }
    return false;
}

void AckingConsumer::onOpsDown(const QString& reason)
{
    // Replies of requests in flight are lost with the connection: whether Redis applied them is
    // unknown, so say so; the messages stay pending until settled again.
    failOpenRequests(tr("Connection lost before Redis answered (%1); the outcome is unknown — "
                        "settle again if the messages are still pending.")
                         .arg(reason));
    failWaiting(reason);
    reoweAutoAcks(m_ops);
    if (m_farewellConn && m_farewellConn == m_ops && !m_farewellDone) {
        m_farewellConn = nullptr;
        startFarewell(); // on the consuming connection if it is free, or give up
        if (m_farewellDone)
            lastWorkDone();
    }
    if (!isStopping() && !m_failed)
        m_opsRetry->start(m_opsBackoff.next());
}

void AckingConsumer::failWaiting(const QString& error)
{
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (auto& job : waiting)
        job.second(error);
}

void AckingConsumer::runWhenOpsReady(std::function<void()> job,
                                     std::function<void(const QString&)> onFail)
{
    if (isStopping()) {
        onFail(tr("The consumer is stopping."));
        return;
    }
    if (m_failed) {
        onFail(tr("The consumer failed; nothing more is settled through it."));
        return;
    }
    if (!m_started || !m_ops) {
        // Not connected yet: the request waits for the ops connection.
        m_waiting.emplace_back(std::move(job), std::move(onFail));
        return;
    }
    if (m_ops->isReady()) {
        job();
        return;
    }
    m_waiting.emplace_back(std::move(job), std::move(onFail));
}

static SettleResult errorResult(qint64 requestId, SettleAction action, const QString& error)
{
    SettleResult r;
    r.requestId = requestId;
    r.action = action;
    r.error = error;
    return r;
}

void AckingConsumer::ack(qint64 requestId, const MessageList& messages)
{
    if (m_policy == AckPolicy::None) {
        emit settled(errorResult(requestId, SettleAction::Ack,
                                 tr("This consumer reads with NOACK: there is nothing to ack.")));
        return;
    }
    OpenRequest req{requestId, false, SettleAction::Ack, messages};
    runWhenOpsReady(
        [this, req] {
            m_open.append(req);
            doSettle(SettleAction::Ack, req.id, req.messages);
        },
        [this, requestId](const QString& e) {
            emit settled(errorResult(requestId, SettleAction::Ack, e));
        });
}

void AckingConsumer::requeue(qint64 requestId, const MessageList& messages)
{
    OpenRequest req{requestId, false, SettleAction::Requeue, messages};
    runWhenOpsReady(
        [this, req] {
            m_open.append(req);
            doSettle(SettleAction::Requeue, req.id, req.messages);
        },
        [this, requestId](const QString& e) {
            emit settled(errorResult(requestId, SettleAction::Requeue, e));
        });
}

void AckingConsumer::deadLetter(qint64 requestId, const MessageList& messages)
{
    OpenRequest req{requestId, false, SettleAction::DeadLetter, messages};
    runWhenOpsReady(
        [this, req] {
            m_open.append(req);
            doSettle(SettleAction::DeadLetter, req.id, req.messages);
        },
        [this, requestId](const QString& e) {
            emit settled(errorResult(requestId, SettleAction::DeadLetter, e));
        });
}

void AckingConsumer::recover(qint64 requestId)
{
    runWhenOpsReady(
        [this, requestId] {
            m_open.append(OpenRequest{requestId, true, SettleAction::Ack, {}});
            doRecover(requestId);
        },
        [this, requestId](const QString& e) {
            RecoveryReport r;
            r.requestId = requestId;
            r.error = e;
            emit recoveryFinished(r);
        });
}

void AckingConsumer::claim(qint64 requestId, qint64 minIdleMs)
{
    runWhenOpsReady(
        [this, requestId, minIdleMs] {
            m_open.append(OpenRequest{requestId, true, SettleAction::Ack, {}});
            doClaim(requestId, minIdleMs);
        },
        [this, requestId](const QString& e) {
            RecoveryReport r;
            r.requestId = requestId;
            r.error = e;
            emit recoveryFinished(r);
        });
}

void AckingConsumer::doClaim(qint64 requestId, qint64)
{
    RecoveryReport r;
    r.requestId = requestId;
    r.error = unsupported(tr("Claiming idle entries"));
    finishRecovery(r);
}

void AckingConsumer::finishSettle(const SettleResult& result)
{
    for (qsizetype i = 0; i < m_open.size(); ++i) {
        if (!m_open[i].recovery && m_open[i].id == result.requestId) {
            m_open.removeAt(i);
            emit settled(result);
            countersTouched();
            return;
        }
    }
}

void AckingConsumer::finishRecovery(const RecoveryReport& report)
{
    for (qsizetype i = 0; i < m_open.size(); ++i) {
        if (m_open[i].recovery && m_open[i].id == report.requestId) {
            m_open.removeAt(i);
            emit recoveryFinished(report);
            countersTouched();
            return;
        }
    }
}

void AckingConsumer::failOpenRequests(const QString& error)
{
    const QList<OpenRequest> open = std::move(m_open);
    m_open.clear();
    for (const OpenRequest& req : open) {
        if (req.recovery) {
            RecoveryReport r;
            r.requestId = req.id;
            r.error = error;
            emit recoveryFinished(r);
        } else {
            emit settled(errorResult(req.id, req.action, error));
        }
    }
}

bool AckingConsumer::proceed() { return shouldContinue(); }

void AckingConsumer::countersTouched()
{
    if (!m_countersTimer) {
        m_countersTimer = new QTimer(this);
        m_countersTimer->setSingleShot(true);
        connect(m_countersTimer, &QTimer::timeout, this, &AckingConsumer::emitCounters);
    }
    if (!m_countersTimer->isActive())
        m_countersTimer->start(kCountersIntervalMs);
}

void AckingConsumer::emitCounters()
{
    if (m_countersTimer)
        m_countersTimer->stop();
    m_counters.received = received();
    m_counters.pending = pendingCount();
    emit countersChanged(m_counters);
}

} // namespace rqc
