#include "ConsumerWorker.h"

#include "ClusterDetect.h"
#include "ClusterMap.h"
#include "RedisConnection.h"
#include "ServerRole.h"

#include <QCoreApplication>
#include <QDateTime>

#include <utility>

namespace rqc {

namespace {
// A stop that cannot complete (server hung) gives up after this long.
constexpr int kStopDeadlineMs = 1500;
// While waiting for the taker's acknowledgements, the worker looks this often (the taker is on
// another thread and may be gone: polling needs no call into the worker from there).
constexpr int kCreditPollMs = 5;

// The server refused the handshake in a way that retrying will not fix (wrong password, missing
// permission, no such database). Transient refusals (LOADING, BUSY, max clients) are retried.
bool isPermanentRefusal(const QString& error)
{
    static const char* const prefixes[] = {"WRONGPASS",
                                           "NOAUTH",
                                           "NOPERM",
                                           "ERR invalid password",
                                           "ERR AUTH",
                                           "ERR DB index",
                                           "ERR invalid DB index"};
    for (const char* p : prefixes) {
        if (error.startsWith(QLatin1String(p)))
            return true;
    }
    return false;
}

// A reply that says the server cannot serve commands for now: loading its data set after a
// restart, busy in a script, a replica cut off from its master. The connection itself is fine
// (the handshake's commands are allowed meanwhile), but consuming must wait, not stop.
bool isPassingServerState(const QString& error)
{
    // READONLY and UNBLOCKED: the master was demoted under us (a failover); NOREPLICAS: a master
    // with min-replicas-to-write that lost its replicas (one was just promoted, say). The next
    // connection asks again where the master is (Sentinel), or refuses to consume on what is now a
    // replica. CLUSTERDOWN: a Redis Cluster without a quorum or with unserved slots, for a while.
    static const char* const prefixes[] = {"LOADING ",   "BUSY ",        "MASTERDOWN ",
                                           "TRYAGAIN ",  "CLUSTERDOWN ", "READONLY ",
                                           "UNBLOCKED ", "NOREPLICAS "};
    for (const char* p : prefixes) {
        if (error.startsWith(QLatin1String(p)))
            return true;
    }
    return false;
}
} // namespace

QString consumerStateText(ConsumerState state)
{
    switch (state) {
    case ConsumerState::Idle:
        return ConsumerWorker::tr("idle");
    case ConsumerState::Connecting:
        return ConsumerWorker::tr("connecting");
    case ConsumerState::Listening:
        return ConsumerWorker::tr("listening");
    case ConsumerState::Reconnecting:
        return ConsumerWorker::tr("reconnecting");
    case ConsumerState::Stopping:
        return ConsumerWorker::tr("stopping");
    case ConsumerState::Stopped:
        return ConsumerWorker::tr("stopped");
    case ConsumerState::Failed:
        return ConsumerWorker::tr("failed");
    }
    return {};
}

ConsumerWorker::ConsumerWorker(const ConnectionSettings& settings, const ConsumerSpec& spec,
                               QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_spec(spec)
{
}

ConsumerWorker::~ConsumerWorker() = default;

ConnectionSettings ConsumerWorker::routedSettings() const
{
    const QByteArray key = routingKey();
    return key.isEmpty() ? m_settings : ClusterRouting::forKey(m_settings, key);
}

QString ConsumerWorker::gapNote() const { return {}; }

void ConsumerWorker::start()
{
    // Everything that touches the network is created here, on the worker's own thread.
    m_batcher = new MessageBatcher(
        [this](MessageList&& batch) {
            if (m_credit)
                m_credit->emitted(batch.size(), m_heldBytes);
            m_heldBytes = 0;
            emit messagesArrived(batch, received());
            onBatchEmitted(batch);
        },
        33, this);
    if (m_credit) {
        // No credit: the batch stays pending and merges what follows (see DeliveryCredit).
        m_batcher->setGate([this] {
            if (m_credit->canEmit())
                return true;
            waitForCredit();
            return false;
        });
        m_creditTimer = new QTimer(this);
        m_creditTimer->setInterval(kCreditPollMs);
        connect(m_creditTimer, &QTimer::timeout, this, &ConsumerWorker::onCreditTick);
    }
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &ConsumerWorker::openConnection);
    m_stopDeadline = new QTimer(this);
    m_stopDeadline->setSingleShot(true);
    connect(m_stopDeadline, &QTimer::timeout, this, [this] {
        m_deadlinePassed = true;
        finish();
    });
    openConnection();
}

void ConsumerWorker::openConnection()
{
    if (m_stopping)
        return;
    if (!m_conn) {
        m_conn = new RedisConnection(m_settings, ConsumerSpec::modeName(m_spec.mode),
                                     QString::fromUtf8(m_spec.target), this);
        connect(m_conn, &RedisConnection::ready, this, &ConsumerWorker::onConnectionReady);
        connect(m_conn, &RedisConnection::failed, this,
                [this](const QString& e) { onConnectionDown(e, false); });
        connect(m_conn, &RedisConnection::disconnected, this,
                [this](const QString& e) { onConnectionDown(e, true); });
    }
    m_conn->setSettings(routedSettings());
    setState(m_lostAtMs ? ConsumerState::Reconnecting : ConsumerState::Connecting,
             m_conn->settings().displayUrl());
    m_conn->open();
}

void ConsumerWorker::onConnectionReady()
{
    // Given without cluster=1: ask once whether this is a cluster node (one INFO, pipelined
    // nothing else) before any key is named or touched.
    if (!m_clusterProbed && !routingKey().isEmpty() && ClusterDetect::undecided(m_settings)) {
        m_clusterProbed = true;
        ClusterDetect::probe(m_conn, [this](bool cluster) { clusterProbed(cluster); });
        return;
    }
    m_backoff.reset();
    if (m_lostAtMs) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        emit connectionRestored(m_lostAtMs, now, failoverNote() + gapNote());
        m_lostAtMs = 0;
    }
    if (!ConsumerSpec::consumes(m_spec.mode)) {
        startConsuming();
        return;
    }
    // Never take from a replica: what is taken there is not taken on the master (or fails with
    // READONLY). ROLE first; an ACL user without it (NOPERM) is let through.
    m_conn->send({"ROLE"}, [this](const RedisReply& reply) {
        if (m_stopping) {
            finish();
            return;
        }
        const ServerRole role = ServerRole::fromRoleReply(reply);
        if (!role.replica) {
            startConsuming();
        } else if (m_settings.isSentinel()) {
            fail(QStringLiteral("READONLY ") + role.consumeRefusal()); // ask the Sentinels again
        } else {
            fail(role.consumeRefusal());
        }
    });
}

void ConsumerWorker::clusterProbed(bool cluster)
{
    if (m_stopping) {
        finish();
        return;
    }
    if (cluster) {
        m_settings.cluster = true;
        onClusterFound();
        if (routedSettings().address() != m_conn->settings().address()) {
            // The key lives on another master: go there at once. Queued: we are inside one of
            // the connection's callbacks.
            QMetaObject::invokeMethod(
                this,
                [this] {
                    if (!m_stopping && !m_finished && m_state != ConsumerState::Failed)
                        openConnection();
                },
                Qt::QueuedConnection);
            return;
        }
    }
    onConnectionReady();
}

QString ConsumerWorker::failoverNote()
{
    // A Sentinel set-up whose master moved while we were away: what the old master acknowledged
    // but had not yet replicated is not on the new one.
    const QString from = std::exchange(m_addressAtLoss, QString());
    const QString to = m_conn->settings().address();
    if (!m_settings.isSentinel() || from.isEmpty() || from == to)
        return QString();
    const QString at = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    if (m_busyAtLoss)
        return tr("failover: master moved from %1 to %2 at %3 while this pane had unacknowledged "
                  "or in-flight work — possible gap: what the old master had not yet replicated "
                  "(asynchronous replication) may be lost or delivered again. ")
            .arg(from, to, at);
    return tr("failover: master moved from %1 to %2 at %3; nothing was in flight. ")
        .arg(from, to, at);
}

void ConsumerWorker::startConsuming()
{
    if (listeningWhenReady())
        setState(ConsumerState::Listening);
    onReady();
}

void ConsumerWorker::markListening()
{
    if (m_stopping || m_finished || m_state == ConsumerState::Failed)
        return;
    setState(ConsumerState::Listening);
}

void ConsumerWorker::onConnectionDown(const QString& reason, bool wasReady)
{
    // A pull mode waiting for room starts afresh in onReady(); a new socket reads from the start.
    if (wasReady && m_conn) {
        m_addressAtLoss = m_conn->settings().address();
        m_busyAtLoss = hasUnsettledWork();
    }
    m_resume = nullptr;
    m_readToEnd = false;
    if (m_readPaused) {
        m_readPaused = false;
        if (m_conn)
            m_conn->setReadPaused(false);
    }
    onConnectionLost();
    if (m_stopping) {
        finish();
        return;
    }
    if (m_state == ConsumerState::Failed)
        return;
    // A refused password (or ACL, or DB) or an untrusted certificate: retrying cannot cure it.
    if (!wasReady && m_conn &&
        ((m_conn->refusedByServer() && isPermanentRefusal(reason)) ||
         m_conn->certificateRejected())) {
        fail(reason);
        return;
    }
    const int redirectDelay = std::exchange(m_redirectDelayMs, -1);
    if (redirectDelay < 0)
        emit errorOccurred(reason);
    if (wasReady) {
        m_lostAtMs = QDateTime::currentMSecsSinceEpoch();
        emit connectionLost(m_lostAtMs, reason);
    }
    const int delay = redirectDelay >= 0 ? redirectDelay : m_backoff.next();
    setState(ConsumerState::Reconnecting, tr("%1 — retrying in %2 ms").arg(reason).arg(delay));
    m_reconnectTimer->start(delay);
}

void ConsumerWorker::deliver(Message&& message)
{
    message.seq = ++m_seq;
    if (!message.receivedMs)
        message.receivedMs = QDateTime::currentMSecsSinceEpoch();
    m_received.fetch_add(1, std::memory_order_relaxed);
    if (!m_credit) {
        m_batcher->add(std::move(message));
        return;
    }
    m_heldBytes += DeliveryCredit::messageBytes(message);
    m_batcher->add(std::move(message));
    noteQueued();
    if (!m_readPaused && !m_stopping && !m_readToEnd && pausesReadingWhenFull() && m_conn &&
        !hasRoom()) {
        m_readPaused = true;
        m_conn->setReadPaused(true);
        m_stalls.fetch_add(1, std::memory_order_relaxed);
        waitForCredit();
    }
}

void ConsumerWorker::readToEnd()
{
    m_readToEnd = true;
    if (m_readPaused) {
        m_readPaused = false;
        if (m_conn)
            m_conn->setReadPaused(false);
    }
}

bool ConsumerWorker::roomFor(std::function<void()> resume)
{
    if (!m_credit || m_stopping)
        return true;
    noteQueued();
    if (hasRoom())
        return true;
    m_resume = std::move(resume);
    m_stalls.fetch_add(1, std::memory_order_relaxed);
    waitForCredit();
    return false;
}

bool ConsumerWorker::hasRoom() const
{
    if (!m_credit)
        return true;
    const DeliveryCredit::Limits& l = m_credit->limits();
    return m_queuedRows.load(std::memory_order_relaxed) < l.queuedRows &&
           m_queuedBytes.load(std::memory_order_relaxed) < l.queuedBytes;
}

void ConsumerWorker::noteQueued()
{
    if (!m_credit || !m_batcher)
        return;
    const qint64 rows = m_batcher->held() + m_credit->rowsInFlight();
    const qint64 bytes = m_heldBytes + m_credit->bytesInFlight();
    m_queuedRows.store(rows, std::memory_order_relaxed);
    m_queuedBytes.store(bytes, std::memory_order_relaxed);
    if (rows > m_peakRows.load(std::memory_order_relaxed))
        m_peakRows.store(rows, std::memory_order_relaxed);
    if (bytes > m_peakBytes.load(std::memory_order_relaxed))
        m_peakBytes.store(bytes, std::memory_order_relaxed);
}

void ConsumerWorker::waitForCredit()
{
    if (m_creditTimer && !m_creditTimer->isActive() && !m_finished)
        m_creditTimer->start();
}

void ConsumerWorker::onCreditTick()
{
    if (m_batcher->held() > 0 && m_credit->canEmit())
        m_batcher->flush();
    noteQueued();
    if (hasRoom()) {
        if (m_readPaused) {
            m_readPaused = false;
            if (m_conn)
                m_conn->setReadPaused(false);
        }
        if (m_resume) {
            const std::function<void()> resume = std::move(m_resume);
            m_resume = nullptr;
            if (!m_stopping && m_conn && m_conn->isReady())
                resume();
        }
    }
    const bool waiting =
        (m_batcher->held() > 0 && !m_credit->canEmit()) || m_readPaused || bool(m_resume);
    if (!waiting || m_finished)
        m_creditTimer->stop();
}

bool ConsumerWorker::shouldContinue()
{
    if (!m_stopping)
        return true;
    if (!m_conn || m_conn->pendingReplies() == 0)
        finish();
    return false;
}

void ConsumerWorker::followRedirect(const QString& error)
{
    ClusterRedirect redirect;
    if (!ClusterMap::parseRedirect(error.toUtf8(), &redirect))
        return;
    ClusterRouting::noteMoved(m_conn->settings(), redirect);
    const QString target = QStringLiteral("%1:%2").arg(redirect.host).arg(redirect.port);
    const QString reason =
        redirect.ask
            ? tr("Cluster slot %1 is migrating to %2; asking again").arg(redirect.slot).arg(target)
            : tr("Cluster slot %1 moved to %2; following it").arg(redirect.slot).arg(target);
    // Queued: we are inside one of the connection's callbacks. Whatever the command had taken is
    // nothing (a redirect is answered instead of running it); what was in flight behind it is
    // asked again on the next connection, as after any lost connection.
    QMetaObject::invokeMethod(
        this,
        [this, reason, ask = redirect.ask] {
            if (m_stopping || m_finished || !m_conn || m_state == ConsumerState::Failed)
                return;
            m_conn->close();
            m_redirectDelayMs = ask ? m_backoff.next() : 0;
            onConnectionDown(reason, true);
        },
        Qt::QueuedConnection);
}

void ConsumerWorker::fail(const QString& error)
{
    ClusterRedirect redirect;
    bool foreignSlot = false;
    if (ClusterMap::parseRedirect(error.toUtf8(), &redirect)) {
        // Not a failure of the consumer when its key is served elsewhere now (or for now). A
        // redirect for another slot is: the command touched a key that lives elsewhere.
        const QByteArray key = routingKey();
        foreignSlot = !key.isEmpty() && ClusterMap::keySlot(key) != redirect.slot;
        if (!foreignSlot) {
            if (m_stopping)
                finish();
            else if (!m_finished && m_conn)
                followRedirect(error);
            return;
        }
    }
    if (!m_stopping && !m_finished && m_conn && isPassingServerState(error)) {
        // Treated like a lost connection: drop it (whatever it had in flight is asked again on
        // the next one) and reconnect with backoff. Queued: we are inside one of its callbacks.
        QMetaObject::invokeMethod(
            this,
            [this, error] {
                if (m_stopping || m_finished || !m_conn || m_state == ConsumerState::Failed)
                    return;
                m_conn->close();
                onConnectionDown(error, true);
            },
            Qt::QueuedConnection);
        return;
    }
    QString text = error;
    if ((foreignSlot || error.startsWith(QLatin1String("CROSSSLOT"))) && !m_settings.cluster)
        text = tr("%1 — this is a Redis Cluster: add cluster=1 to the URL, and a reliable list "
                  "names its processing list {queue}:processing:… so that it shares the queue's "
                  "slot.")
                   .arg(error);
    const bool first = m_state != ConsumerState::Failed;
    setState(ConsumerState::Failed, text);
    emit errorOccurred(text);
    if (first && !m_finished) {
        if (m_reconnectTimer)
            m_reconnectTimer->stop();
        onFailed();
        // Not consuming any more: no connection stays named rqconsole:<mode>:<target>.
        if (m_conn && m_conn->isOpen() && m_conn->pendingReplies() == 0)
            m_conn->close();
    }
    if (m_stopping)
        finish();
}

void ConsumerWorker::stop()
{
    if (m_stopping || m_finished)
        return;
    m_stopping = true;
    if (!m_batcher) { // never started
        finish();
        return;
    }
    m_reconnectTimer->stop();
    setState(ConsumerState::Stopping);
    if (m_readPaused) { // a reply still on its way must come in
        m_readPaused = false;
        if (m_conn)
            m_conn->setReadPaused(false);
    }
    if (!m_conn || !m_conn->isReady() || m_conn->pendingReplies() == 0) {
        finish();
        return;
    }
    m_stopDeadline->start(kStopDeadlineMs);
    if (blockingInFlight())
        sendUnblock();
    // Otherwise the reply in flight comes back, the subclass calls shouldContinue(), and we finish.
}

void ConsumerWorker::sendUnblock()
{
    // CLIENT UNBLOCK from a second connection: the server answers the blocked command with nil, so
    // nothing is popped behind our back. If the command has not reached the server yet, UNBLOCK
    // answers 0 and we try again shortly.
    if (m_finished || !m_conn || !blockingInFlight())
        return;
    if (m_conn->clientId() == 0)
        return; // an ACL user without +client: only the stop deadline can end the wait
    // In a cluster, the blocked client is on the node that serves the key — or on the node an
    // -ASK sent the command on to, over a side connection of m_conn (not ready yet: soon).
    const RedisConnection::ServedAt at = m_conn->servedAt();
    if (at.clientId == 0) {
        QTimer::singleShot(5, this, &ConsumerWorker::sendUnblock);
        return;
    }
    const QByteArray id = QByteArray::number(at.clientId);
    if (!m_control) {
        m_control = new RedisConnection(at.settings, QStringLiteral("control"), QString(), this);
        connect(m_control, &RedisConnection::ready, this, &ConsumerWorker::sendUnblock);
        m_control->open();
        return;
    }
    if (m_control->settings().address() != at.settings.address()) {
        m_control->close();
        m_control->setSettings(at.settings);
        m_control->open();
        return;
    }
    if (!m_control->isReady())
        return; // ready() will call us again
    m_control->send({"CLIENT", "UNBLOCK", id}, [this](const RedisReply& r) {
        if (r.isInteger() && r.integer == 0 && blockingInFlight())
            QTimer::singleShot(5, this, &ConsumerWorker::sendUnblock);
    });
}

void ConsumerWorker::lastWorkDone()
{
    if (m_stopping)
        finish();
}

void ConsumerWorker::finish()
{
    if (m_finished)
        return;
    if (m_reconnectTimer)
        m_reconnectTimer->stop();
    // The last batch leaves first (its acks follow it, see onBatchEmitted), then the subclass's
    // last replies are awaited, within the stop deadline. At a stop it leaves whatever the
    // back-pressure credit says: nothing taken from Redis stays behind.
    if (m_batcher)
        m_batcher->flushNow();
    if (m_stopping && !m_deadlinePassed && m_stopDeadline && lastWorkPending()) {
        if (!m_stopDeadline->isActive())
            m_stopDeadline->start(kStopDeadlineMs);
        return;
    }
    m_finished = true;
    if (m_stopDeadline)
        m_stopDeadline->stop();
    if (m_creditTimer)
        m_creditTimer->stop();
    if (m_batcher)
        m_batcher->flushNow();
    if (m_conn)
        m_conn->close();
    if (m_control)
        m_control->close();
    setState(ConsumerState::Stopped);
    emit stopped();
}

void ConsumerWorker::setState(ConsumerState state, const QString& detail)
{
    if (m_state == state && detail.isEmpty())
        return;
    m_state = state;
    emit stateChanged(state, detail);
}

} // namespace rqc
