#include "RecordingWriter.h"

#include "RecordingEncoder.h"
#include "RecordingSink.h"
#include "WorkerThread.h"

#include <QFileInfo>

namespace rqc {

namespace {
// How long closing may keep the window waiting when it is destroyed mid-recording.
constexpr int kCloseWaitMs = 30000;
} // namespace

struct RecordingWriter::Session {
    QString path;
    std::unique_ptr<WorkerThread> thread;
    RecordingSink* sink = nullptr; // owned by thread
    bool closePosted = false;
};

RecordingWriter::RecordingWriter(QObject* parent)
    : QObject(parent)
{
}

RecordingWriter::~RecordingWriter()
{
    retire();
    for (const auto& session : m_closing) {
        // The thread quits by itself once the sink has closed the file (quitWhen below).
        if (!session->thread->wait(kCloseWaitMs))
            qWarning("rqconsole: recording to %s did not close in time", qPrintable(session->path));
    }
    m_closing.clear();
}

void RecordingWriter::start(const QString& path, const RecordingHeader& header)
{
    retire();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (const auto& closing : m_closing) {
        // Stopped and started again on the same file: the old thread must finish its writes
        // before the file is truncated under it. Rare, and bounded by what was left to write.
        if (QFileInfo(closing->path).absoluteFilePath() == absolute)
            closing->thread->wait(kCloseWaitMs);
    }
    m_path = path;
    m_queued = 0;
    m_written = std::make_shared<std::atomic<quint64>>(0);
    auto session = std::make_unique<Session>();
    session->path = path;
    auto* sink = new RecordingSink(path, RecordingEncoder::headerLine(header), m_written);
    session->sink = sink;
    session->thread = std::make_unique<WorkerThread>(
        QStringLiteral("record:%1").arg(QFileInfo(path).fileName()), sink);
    session->thread->quitWhen(sink, &RecordingSink::closed);
    Session* raw = session.get();
    // The sink's signals come from the writer thread, which deletes the sink (and with it these
    // lambdas) once it has closed. Each lambda only reads its captures and calls a member: a
    // capture read after onFailed()'s retire() would be ordered before that delete only through
    // Qt's reference count on the connection, which ThreadSanitizer cannot see (tst_recording).
    connect(sink, &RecordingSink::failed, this,
            [this, raw](const QString& sentence) { onFailed(raw, sentence); });
    connect(sink, &RecordingSink::closed, this, [this, raw](quint64 rows) { onClosed(raw, rows); });
    session->thread->post([sink] { sink->open(); });
    session->thread->start();
    m_active = std::move(session);
}

void RecordingWriter::append(const MessageList& batch, Mode mode, const QByteArray& target)
{
    if (!m_active || batch.isEmpty())
        return;
    m_queued += quint64(batch.size());
    RecordingSink* sink = m_active->sink;
    const QByteArray modeName = ConsumerSpec::modeName(mode).toLatin1();
    const bool precise = mode == Mode::Reliable || mode == Mode::Stream;
    m_active->thread->post([sink, batch, modeName, target, precise] {
        sink->write(batch, modeName, target, precise);
    });
}

void RecordingWriter::appendPeek(const QList<PeekRecord>& rows, Mode mode, const QByteArray& target)
{
    if (!m_active || rows.isEmpty())
        return;
    m_queued += quint64(rows.size());
    RecordingSink* sink = m_active->sink;
    const QByteArray modeName = ConsumerSpec::modeName(mode).toLatin1();
    m_active->thread->post(
        [sink, rows, modeName, target] { sink->writePeek(rows, modeName, target); });
}

void RecordingWriter::stop() { retire(); }

void RecordingWriter::retire()
{
    if (!m_active)
        return;
    Session* session = m_active.get();
    if (!session->closePosted) {
        session->closePosted = true;
        RecordingSink* sink = session->sink;
        session->thread->post([sink] { sink->close(); });
    }
    m_closing.push_back(std::move(m_active));
}

void RecordingWriter::onFailed(Session* session, const QString& sentence)
{
    if (m_active.get() == session)
        retire(); // nothing more is handed to a file that failed
    emit failed(sentence);
}

void RecordingWriter::onClosed(Session* session, quint64 rows)
{
    for (auto it = m_closing.begin(); it != m_closing.end(); ++it) {
        if (it->get() != session)
            continue;
        const QString path = session->path;
        (*it)->thread->wait(kCloseWaitMs); // already quitting: closed() quit it
        m_closing.erase(it);
        emit finished(path, rows);
        return;
    }
}

} // namespace rqc
