#include "ConsumerWorker.h"

#include "RedisConnection.h"

#include <QCoreApplication>
#include <QDateTime>

namespace rqc {

namespace {
// A stop that cannot complete (server hung) gives up after this long.
constexpr int kStopDeadlineMs = 1500;

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

QString ConsumerWorker::gapNote() const { return {}; }

void ConsumerWorker::start()
{
    // Everything that touches the network is created here, on the worker's own thread.
    m_batcher = new MessageBatcher(
        [this](MessageList&& batch) {
            emit messagesArrived(batch, received());
            onBatchEmitted(batch);
        },
        33, this);
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
    setState(m_lostAtMs ? ConsumerState::Reconnecting : ConsumerState::Connecting,
             m_settings.displayUrl());
    m_conn->open();
}

void ConsumerWorker::onConnectionReady()
{
    m_backoff.reset();
    if (m_lostAtMs) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        emit connectionRestored(m_lostAtMs, now, gapNote());
        m_lostAtMs = 0;
    }
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
    emit errorOccurred(reason);
    if (wasReady) {
        m_lostAtMs = QDateTime::currentMSecsSinceEpoch();
        emit connectionLost(m_lostAtMs, reason);
    }
    const int delay = m_backoff.next();
    setState(ConsumerState::Reconnecting, tr("%1 — retrying in %2 ms").arg(reason).arg(delay));
    m_reconnectTimer->start(delay);
}

void ConsumerWorker::deliver(Message&& message)
{
    message.seq = ++m_seq;
    if (!message.receivedMs)
        message.receivedMs = QDateTime::currentMSecsSinceEpoch();
    m_received.fetch_add(1, std::memory_order_relaxed);
    m_batcher->add(std::move(message));
}

bool ConsumerWorker::shouldContinue()
{
    if (!m_stopping)
        return true;
    if (!m_conn || m_conn->pendingReplies() == 0)
        finish();
    return false;
}

void ConsumerWorker::fail(const QString& error)
{
    setState(ConsumerState::Failed, error);
    emit errorOccurred(error);
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
    const QByteArray id = QByteArray::number(m_conn->clientId());
    if (!m_control) {
        m_control = new RedisConnection(m_settings, QStringLiteral("control"), QString(), this);
        connect(m_control, &RedisConnection::ready, this, &ConsumerWorker::sendUnblock);
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
    // last replies are awaited, within the stop deadline.
    if (m_batcher)
        m_batcher->flush();
    if (m_stopping && !m_deadlinePassed && m_stopDeadline && lastWorkPending()) {
        if (!m_stopDeadline->isActive())
            m_stopDeadline->start(kStopDeadlineMs);
        return;
    }
    m_finished = true;
    if (m_stopDeadline)
        m_stopDeadline->stop();
    if (m_batcher)
        m_batcher->flush();
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
