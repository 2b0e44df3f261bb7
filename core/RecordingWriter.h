#pragma once

#include "ConsumerSpec.h"
#include "Message.h"
#include "RecordingFormat.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <list>
#include <memory>

namespace rqc {

class RecordingSink;
class WorkerThread;

// Records rows to a JSON Lines file (RecordingFormat.h) on a thread of its own. The caller's
// thread only hands batches over (a QList copy, shared, not deep): encoding and disk happen on
// the writer thread, so a slow or full disk never blocks the window. Every row handed over is
// written, in order, or the recording stops with failed() — it never skips rows silently.
class RecordingWriter : public QObject {
    Q_OBJECT
public:
    explicit RecordingWriter(QObject* parent = nullptr);
    // Flushes and closes what is still open, waiting for the writer thread (bounded).
    ~RecordingWriter() override;

    // Starts recording to path (truncated) with this header; a recording already running is
    // stopped first. Errors come as failed().
    void start(const QString& path, const RecordingHeader& header);
    // Hands a batch over; rows are stamped with the mode and target given here.
    void append(const MessageList& batch, Mode mode, const QByteArray& target);
    // Hands a peek pane's rows over (PeekViewDiff), in order after what was handed before.
    void appendPeek(const QList<PeekRecord>& rows, Mode mode, const QByteArray& target);
    // Flushes and closes in the background; finished() when the file is complete.
    void stop();

    bool isRecording() const { return bool(m_active); }
    // A recording is running or still being flushed.
    bool isBusy() const { return m_active || !m_closing.empty(); }
    QString path() const { return m_path; }
    quint64 rowsQueued() const { return m_queued; }
    // Rows on disk (well, handed to the kernel) in the current or last recording.
    quint64 rowsWritten() const { return m_written ? m_written->load() : 0; }

signals:
    // The recording stopped because of an error; a sentence naming the file and the reason.
    void failed(const QString& sentence);
    // The file of a stopped recording is complete and closed.
    void finished(const QString& path, quint64 rows);

private:
    struct Session;
    void retire();
    void onFailed(Session* session, const QString& sentence);
    void onClosed(Session* session, quint64 rows);

    std::unique_ptr<Session> m_active;
    std::list<std::unique_ptr<Session>> m_closing;
    std::shared_ptr<std::atomic<quint64>> m_written;
    QString m_path;
    quint64 m_queued = 0;
};

} // namespace rqc
