// PublisherWorker's load runs: a request whose messages are expanded from templates and paced.
#include "LoadJob.h"
#include "Publisher.h"
#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QTimer>

#include <cmath>

namespace rqc {

void PublisherWorker::sendLoad(qint64 requestId, Command command, const QByteArray& target,
                               const QByteArray& payload, const StreamFields& fields,
                               const LoadPacer::Limits& limits, const LoadSource& source)
{
    m_lastId = qMax(m_lastId, requestId);
    auto job = std::make_shared<LoadJob>(plan(command, target, payload, fields).argv, limits);
    if (source.fromList) {
        // The payload's place: PUBLISH/LPUSH key payload; XADD key * field value.
        job->setPayloads(source.payloads, command == Command::XAdd ? 4 : 2);
        if (!source.scheduleNs.empty())
            job->pacer().setSchedule(source.scheduleNs);
    }
    QString error = job->error();
    if (error.isEmpty() && !job->pacer().limits().isValid())
        error = tr("A load run needs a number of messages or a duration.");
    if (!error.isEmpty() || m_stopping || m_state == State::Stopped || m_state == State::Refused) {
        if (error.isEmpty())
            error = m_state == State::Refused ? m_refusal
                                              : tr("The publisher is stopped; nothing was sent.");
        fail(requestId, error);
        emit sent(requestId, 0, 0);
        return;
    }
    Request r;
    r.id = requestId;
    r.command = command;
    r.target = target;
    r.payload = payload;
    r.count = job->pacer().limits().count;
    r.fields = fields;
    r.load = std::move(job);
    m_queue.push_back(std::move(r));
    if (m_state == State::Waiting) {
        m_reconnectTimer->stop();
        openConnection();
        return;
    }
    pump();
}

void PublisherWorker::cancel(qint64 requestId)
{
    for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
        if (it->id == requestId) {
            m_queue.erase(it);
            emit sent(requestId, 0, 0);
            return;
        }
    }
    if (!m_active || m_cur.id != requestId)
        return;
    m_cancelled = true;
    if (m_inFlight == 0) {
        finishCurrent();
        pump();
    }
}

bool PublisherWorker::currentDone() const
{
    if (m_cur.load) {
        if (m_inFlight > 0)
            return false;
        return m_failed || m_stopping || m_cancelled ||
               m_cur.load->pacer().exhausted(m_loadClock.nsecsElapsed());
    }
    return m_replied == m_cur.count || ((m_failed || m_stopping) && m_inFlight == 0);
}

void PublisherWorker::emitLoadProgress()
{
    emit loadProgress(m_cur.id, m_acked, m_receivers, m_loadClock.nsecsElapsed());
}

void PublisherWorker::pumpLoad()
{
    LoadJob& job = *m_cur.load;
    LoadPacer& pacer = job.pacer();
    const qint64 now = m_loadClock.nsecsElapsed();
    while (!m_failed && !m_cancelled && m_inFlight < kMaxLoadBatchesInFlight) {
        const quint64 allowed = pacer.allowed(now);
        if (allowed == 0)
            break;
        const int want = int(qMin<quint64>(allowed, quint64(kMaxBatchCommands)));
        QByteArray batch;
        const int n = job.encode(batch, want, kMaxBatchBytes);
        pacer.issued(quint64(n));
        m_conn->sendEncoded(batch, n, [this](QList<RedisReply>& replies) { onBatch(replies); });
        m_issued += quint64(n);
        ++m_inFlight;
    }
    if (currentDone()) {
        // Nothing on the wire and nothing more to send (a duration that ended between ticks).
        finishCurrent();
        pump();
        return;
    }
    if (m_failed || m_cancelled || m_inFlight >= kMaxLoadBatchesInFlight)
        return; // a reply calls pump() again
    const qint64 next = pacer.nextEventNs(now);
    if (next < 0)
        return; // exhausted: the last replies finish the run
    const qint64 waitNs = next - m_loadClock.nsecsElapsed();
    // A millisecond timer: at 50 000/s each tick sends the ~50 that came due.
    m_paceTimer->start(waitNs <= 0 ? 0 : int(std::ceil(double(waitNs) / 1e6)));
}

// ---------------------------------------------------------------------------------------------

qint64 Publisher::sendLoad(PublisherWorker::Command command, const QByteArray& target,
                           const QByteArray& payload, const PublisherWorker::StreamFields& fields,
                           const LoadPacer::Limits& limits, const LoadSource& source)
{
    const qint64 id = ++m_nextId;
    PublisherWorker* w = m_worker;
    const bool queued = !m_stopRequested && w &&
                        m_thread->post([w, id, command, target, payload, fields, limits, source] {
                            w->sendLoad(id, command, target, payload, fields, limits, source);
                        });
    if (!queued)
        refuse(id, tr("The publisher is stopped; nothing was sent."));
    return id;
}

void Publisher::cancel(qint64 requestId)
{
    PublisherWorker* w = m_worker;
    if (w && !m_stopRequested)
        m_thread->post([w, requestId] { w->cancel(requestId); });
}

} // namespace rqc
