#include "Publisher.h"

#include "ClusterDetect.h"
#include "ClusterMap.h"
#include "LoadJob.h"
#include "RedisConnection.h"
#include "ServerRole.h"
#include "WorkerThread.h"

#include <QTimer>

namespace rqc {

namespace {
// How long stop() waits for replies already on the wire, so the counts it reports stay true.
constexpr int kStopDeadlineMs = 1000;
constexpr int kProgressIntervalMs = 33;
} // namespace

PublisherWorker::Plan PublisherWorker::plan(Command command, const QByteArray& target,
                                            const QByteArray& payload, const StreamFields& fields)
{
    switch (command) {
    case Command::Publish:
        return {{"PUBLISH", target, payload}, Fold::SumIntegers};
    case Command::SPublish:
        return {{"SPUBLISH", target, payload}, Fold::SumIntegers};
    case Command::LPush:
        return {{"LPUSH", target, payload}, Fold::LastInteger};
    case Command::XAdd: {
        QList<QByteArray> argv{"XADD", target, "*"};
        if (fields.isEmpty())
            argv << "message" << payload;
        for (const auto& f : fields)
            argv << f.first << f.second;
        return {argv, Fold::SumIntegers};
    }
    }
    return {};
}

PublisherWorker::PublisherWorker(const ConnectionSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{
}

PublisherWorker::~PublisherWorker() = default;

void PublisherWorker::start()
{
    if (m_state != State::Idle || m_stopping)
        return;
    // Everything that touches the network is created here, on the worker's own thread.
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &PublisherWorker::openConnection);
    m_stopDeadline = new QTimer(this);
    m_stopDeadline->setSingleShot(true);
    connect(m_stopDeadline, &QTimer::timeout, this, &PublisherWorker::finishStop);
    m_paceTimer = new QTimer(this);
    m_paceTimer->setSingleShot(true);
    m_paceTimer->setTimerType(Qt::PreciseTimer);
    connect(m_paceTimer, &QTimer::timeout, this, &PublisherWorker::pump);
    m_conn = new RedisConnection(m_settings, QStringLiteral("publisher"), QString(), this);
    connect(m_conn, &RedisConnection::ready, this, &PublisherWorker::onReady);
    connect(m_conn, &RedisConnection::failed, this,
            [this](const QString& e) { onConnectionDown(e, false); });
    connect(m_conn, &RedisConnection::disconnected, this,
            [this](const QString& e) { onConnectionDown(e, true); });
    openConnection();
}

void PublisherWorker::openConnection()
{
    if (m_stopping || !m_conn)
        return;
    m_state = State::Connecting;
    m_conn->open();
}

void PublisherWorker::onReady()
{
    // Given without cluster=1: a cluster node? Then each request goes to its key's master
    // (routeCurrent) from the first, rather than after a -MOVED (ClusterDetect).
    if (ClusterDetect::probeOnce(m_conn, m_settings, &m_clusterProbed, this, [this](bool) {
            if (!m_stopping)
                onReady();
        }))
        return;
    // Never write to a replica (READONLY, or a write the master never sees): ROLE first.
    m_conn->send({"ROLE"}, [this](const RedisReply& reply) {
        const ServerRole role = ServerRole::fromRoleReply(reply);
        m_replicaRefusal = role.replica ? tr("Not sent: %1").arg(role.consumeRefusal()) : QString();
        onRoleKnown();
    });
}

void PublisherWorker::onRoleKnown()
{
    m_state = State::Ready;
    m_backoff.reset();
    m_lastError.clear();
    emit ready();
    pump();
}

void PublisherWorker::report(const QString& error)
{
    // A server that stays down is reported once, not at every retry.
    if (error == m_lastError)
        return;
    m_lastError = error;
    emit errorOccurred(error);
}

void PublisherWorker::fail(qint64 requestId, const QString& error)
{
    emit requestFailed(requestId, error);
    emit errorOccurred(error);
}

void PublisherWorker::onConnectionDown(const QString& reason, bool wasReady)
{
    m_state = State::Waiting;
    if (m_stopping) {
        finishStop();
        return;
    }
    const AccessRefusal refusal =
        wasReady || !m_conn ? AccessRefusal::None : accessRefusalOf(*m_conn, reason);
    if (wasReady) {
        m_lastError.clear(); // a new loss is always worth saying
        emit connectionLost(reason);
    }
    report(reason);
    if (m_active) {
        const quint64 unanswered = m_issued - m_replied;
        // A load run bounded by time has no count: what it meant to send is what it issued.
        const quint64 total = qMax(m_cur.count, m_issued);
        // Always says what happened to this request: it was under way, so something is open.
        fail(m_cur.id,
             tr("Connection lost while sending to %1: %2 of %3 acknowledged; %4 sent without an "
                "answer (they may or may not have reached Redis) and %5 not sent. Nothing was "
                "retried.")
                 .arg(QString::fromUtf8(m_cur.target))
                 .arg(m_acked)
                 .arg(total)
                 .arg(unanswered)
                 .arg(total - m_issued));
        finishCurrent();
    }
    // Requests waiting behind it end too: the user sees the error now, not a send minutes later.
    while (!m_queue.empty()) {
        const qint64 id = m_queue.front().id;
        m_queue.pop_front();
        emit requestFailed(id, reason);
        emit sent(id, 0, 0);
    }
    if (refusal != AccessRefusal::None) {
        // Retrying cannot make a password right or a certificate trusted: stop here, once.
        m_state = State::Refused;
        m_refusal = reason;
        emit accessRefused(refusal, reason);
        return;
    }
    m_reconnectTimer->start(m_backoff.next());
}

void PublisherWorker::resume(const ConnectionSettings& settings)
{
    if (m_stopping || m_state == State::Stopped || !m_conn)
        return;
    m_settings = settings;
    m_conn->setSettings(settings);
    if (m_state != State::Refused && m_state != State::Waiting)
        return;
    m_refusal.clear();
    m_lastError.clear();
    m_backoff.reset();
    m_reconnectTimer->stop();
    openConnection();
}

void PublisherWorker::send(Command command, const QByteArray& target, const QByteArray& payload,
                           int count)
{
    sendRequest(m_lastId + 1, command, target, payload, count);
}

void PublisherWorker::sendRequest(qint64 requestId, Command command, const QByteArray& target,
                                  const QByteArray& payload, int count, const StreamFields& fields)
{
    m_lastId = qMax(m_lastId, requestId);
    if (m_stopping || m_state == State::Stopped) {
        fail(requestId, tr("The publisher is stopped; nothing was sent."));
        emit sent(requestId, 0, 0);
        return;
    }
    if (count < 1) {
        emit sent(requestId, 0, 0);
        return;
    }
    if (m_state == State::Refused) {
        // No knocking again: the user is asked for what the server wants (see resume()).
        fail(requestId, m_refusal);
        emit sent(requestId, 0, 0);
        return;
    }
    Request r;
    r.id = requestId;
    r.command = command;
    r.target = target;
    r.payload = payload;
    r.count = quint64(count);
    r.fields = fields;
    m_queue.push_back(std::move(r));
    if (m_state == State::Waiting) {
        // Waiting out a backoff: try now, the user is asking. Failing, the request ends with the
        // connection's error.
        m_reconnectTimer->stop();
        openConnection();
        return;
    }
    pump();
}

void PublisherWorker::beginNext()
{
    m_cur = std::move(m_queue.front());
    m_queue.pop_front();
    m_active = true;
    Plan p = plan(m_cur.command, m_cur.target, m_cur.payload, m_cur.fields);
    m_fold = p.fold;
    if (m_cur.load) {
        m_issued = m_replied = m_acked = 0;
        m_receivers = 0;
        m_inFlight = 0;
        m_failed = false;
        m_cancelled = false;
        m_sinceProgress.start();
        m_loadClock.start();
        m_cur.load->pacer().start(0);
        return;
    }
    // Every message of a burst is the same command, so it is encoded once and a full batch is that
    // encoding repeated: no per-message allocation or formatting.
    m_one.clear();
    appendCommand(m_one, p.argv);
    const qsizetype fit = kMaxBatchBytes / qMax<qsizetype>(1, m_one.size());
    const qsizetype perBatch = qBound(qsizetype(1), fit, qsizetype(kMaxBatchCommands));
    m_batchCommands = int(qMin<quint64>(quint64(perBatch), m_cur.count));
    m_batch = m_batchCommands > 1 ? m_one.repeated(m_batchCommands) : m_one;
    m_issued = m_replied = m_acked = 0;
    m_receivers = 0;
    m_inFlight = 0;
    m_failed = false;
    m_moved = false;
    m_cancelled = false;
    m_sinceProgress.start();
}

bool PublisherWorker::routeCurrent()
{
    if (m_cur.command == Command::Publish) // PUBLISH reaches the whole cluster from any node
        return true;
    const ConnectionSettings routed = ClusterRouting::forKey(m_settings, m_cur.target);
    const ConnectionSettings& now = m_conn->settings();
    if (routed.host == now.host && routed.port == now.port)
        return true;
    m_conn->close(); // nothing is in flight between two requests
    m_conn->setSettings(routed);
    openConnection();
    return false;
}

void PublisherWorker::pump()
{
    if (m_state != State::Ready || m_stopping)
        return;
    while (!m_replicaRefusal.isEmpty() && !m_queue.empty()) {
        const qint64 id = m_queue.front().id;
        m_queue.pop_front();
        fail(id, m_replicaRefusal);
        emit sent(id, 0, 0);
    }
    if (!m_active) {
        if (m_queue.empty())
            return;
        beginNext();
        if (!routeCurrent())
            return;
    }
    if (m_cur.load) {
        pumpLoad();
        return;
    }
    // Keep a couple of batches on the wire so the server never waits for us.
    while (!m_failed && m_inFlight < kMaxBatchesInFlight && m_issued < m_cur.count) {
        const quint64 left = m_cur.count - m_issued;
        const int n = left < quint64(m_batchCommands) ? int(left) : m_batchCommands;
        m_conn->sendEncoded(n == m_batchCommands ? m_batch : m_one.repeated(n), n,
                            [this](QList<RedisReply>& replies) { onBatch(replies); });
        m_issued += quint64(n);
        ++m_inFlight;
    }
}

void PublisherWorker::onBatch(QList<RedisReply>& replies)
{
    --m_inFlight;
    for (const RedisReply& r : replies) {
        ++m_replied;
        ClusterRedirect redirect;
        if (r.isError() && m_acked == 0 && m_cur.redirects < 3 &&
            ClusterMap::parseRedirect(r.str, &redirect) && !redirect.ask) {
            if (!m_moved)
                ClusterRouting::noteMoved(m_conn->settings(), redirect);
            m_moved = m_failed = true; // nothing more on this node
            continue;
        }
        if (r.isError()) {
            if (!m_failed) {
                m_failed = true; // no further batches; those on the wire still count
                fail(m_cur.id, QString::fromUtf8(r.str));
            }
            continue;
        }
        ++m_acked;
        if (!r.isInteger())
            continue;
        if (m_fold == Fold::SumIntegers)
            m_receivers += r.integer;
        else
            m_receivers = r.integer;
    }
    const bool done = currentDone();
    if (done && m_moved && m_inFlight == 0 && !m_stopping) {
        // A load run is not sent again (its pacing has moved on): it ends with the reason.
        if (m_acked == 0 && !m_cur.load) {
            // The key's slot is served by another node: the whole request goes there.
            Request again = std::move(m_cur);
            ++again.redirects;
            m_active = false;
            m_cur = Request();
            m_queue.push_front(std::move(again));
            pump();
            return;
        }
        fail(m_cur.id, tr("Part of the burst to %1 was answered MOVED: the key's slot moved "
                          "while sending; %2 of %3 acknowledged, nothing was retried.")
                           .arg(QString::fromUtf8(m_cur.target))
                           .arg(m_acked)
                           .arg(m_cur.count));
    }
    if (done) {
        finishCurrent();
        if (m_stopping)
            finishStop();
        else
            pump();
        return;
    }
    if (m_sinceProgress.elapsed() >= kProgressIntervalMs) {
        m_sinceProgress.restart();
        if (m_cur.load)
            emitLoadProgress();
        emit progress(m_acked, m_cur.count);
        emit requestProgress(m_cur.id, m_acked, m_cur.count);
    }
    pump();
}

void PublisherWorker::finishCurrent()
{
    if (!m_active)
        return;
    m_active = false;
    if (m_paceTimer)
        m_paceTimer->stop();
    if (m_cur.load)
        emitLoadProgress();
    if (m_cur.count > 1) {
        emit progress(m_acked, m_cur.count);
        emit requestProgress(m_cur.id, m_acked, m_cur.count);
    }
    emit sent(m_cur.id, m_acked, m_receivers);
    m_cur = Request();
    m_cancelled = false;
    m_one.clear();
    m_batch.clear();
    m_inFlight = 0;
}

void PublisherWorker::stop()
{
    if (m_stopping || m_state == State::Stopped)
        return;
    m_stopping = true;
    if (m_reconnectTimer)
        m_reconnectTimer->stop();
    if (m_active && m_inFlight > 0 && m_conn && m_conn->isReady()) {
        // onBatch() finishes once the replies on the wire are in; the deadline covers a hung
        // server.
        m_stopDeadline->start(kStopDeadlineMs);
        return;
    }
    finishStop();
}

void PublisherWorker::finishStop()
{
    if (m_state == State::Stopped)
        return;
    m_state = State::Stopped;
    m_stopping = true;
    if (m_stopDeadline)
        m_stopDeadline->stop();
    if (m_active) {
        const quint64 unanswered = m_issued - m_replied;
        if (unanswered > 0)
            fail(m_cur.id, tr("Stopped with %1 messages to %2 sent but not yet acknowledged.")
                               .arg(unanswered)
                               .arg(QString::fromUtf8(m_cur.target)));
        finishCurrent();
    }
    while (!m_queue.empty()) {
        const qint64 id = m_queue.front().id;
        m_queue.pop_front();
        emit sent(id, 0, 0);
    }
    if (m_conn)
        m_conn->close();
    emit stopped();
}

// ---------------------------------------------------------------------------------------------

Publisher::Publisher(const ConnectionSettings& settings, QObject* parent)
    : QObject(parent)
{
    auto* worker = new PublisherWorker(settings);
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("rq-publisher"), worker);
    m_thread->quitWhen(worker, &PublisherWorker::stopped);
    connect(worker, &PublisherWorker::ready, this, &Publisher::ready);
    connect(worker, &PublisherWorker::sent, this, &Publisher::sent);
    connect(worker, &PublisherWorker::progress, this, &Publisher::progress);
    connect(worker, &PublisherWorker::errorOccurred, this, &Publisher::errorOccurred);
    connect(worker, &PublisherWorker::requestFailed, this, &Publisher::requestFailed);
    connect(worker, &PublisherWorker::requestProgress, this, &Publisher::requestProgress);
    connect(worker, &PublisherWorker::connectionLost, this, &Publisher::connectionLost);
    connect(worker, &PublisherWorker::accessRefused, this, &Publisher::accessRefused);
    connect(worker, &PublisherWorker::loadProgress, this, &Publisher::loadProgress);
}

Publisher::~Publisher()
{
    stopAndWait(3000);
    // m_thread's destructor ends the event loop and waits if the worker did not confirm in time.
}

void Publisher::start()
{
    if (m_thread->hasStarted() || m_stopRequested)
        return;
    m_thread->start();
    PublisherWorker* w = m_worker;
    m_thread->post([w] { w->start(); });
}

qint64 Publisher::sendEntry(const QByteArray& stream, const PublisherWorker::StreamFields& fields,
                            int count)
{
    const qint64 id = ++m_nextId;
    PublisherWorker* w = m_worker;
    const bool queued =
        !fields.isEmpty() && !m_stopRequested && w &&
        m_thread->post([w, id, stream, fields, count] {
            w->sendRequest(id, PublisherWorker::Command::XAdd, stream, {}, count, fields);
        });
    if (!queued)
        refuse(id, fields.isEmpty() ? tr("A stream entry needs at least one field.")
                                    : tr("The publisher is stopped; nothing was sent."));
    return id;
}

qint64 Publisher::send(PublisherWorker::Command command, const QByteArray& target,
                       const QByteArray& payload, int count)
{
    const qint64 id = ++m_nextId;
    PublisherWorker* w = m_worker;
    const bool queued =
        !m_stopRequested && w && m_thread->post([w, id, command, target, payload, count] {
            w->sendRequest(id, command, target, payload, count);
        });
    if (!queued)
        refuse(id, tr("The publisher is stopped; nothing was sent."));
    return id;
}

void Publisher::refuse(qint64 requestId, const QString& error)
{
    // Reported like any other request, after the caller has its id.
    QMetaObject::invokeMethod(
        this,
        [this, requestId, error] {
            emit requestFailed(requestId, error);
            emit errorOccurred(error);
            emit sent(requestId, 0, 0);
        },
        Qt::QueuedConnection);
}

void Publisher::resume(const ConnectionSettings& settings)
{
    PublisherWorker* w = m_worker;
    if (w && !m_stopRequested)
        m_thread->post([w, settings] { w->resume(settings); });
}

bool Publisher::stopAndWait(int timeoutMs)
{
    if (!m_thread->hasStarted())
        return true;
    if (!m_stopRequested) {
        m_stopRequested = true;
        PublisherWorker* w = m_worker;
        m_thread->post([w] { w->stop(); });
    }
    return m_thread->wait(timeoutMs);
}

} // namespace rqc
