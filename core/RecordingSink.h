#pragma once

#include "Message.h"
#include "RecordingEncoder.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace rqc {

// The end of a RecordingWriter that lives on the writer thread: encodes batches into one buffer
// and writes it with one write(2) per batch (or per MiB), so the file never holds half a batch
// for long and the disk is touched a few dozen times a second at most. Every slot runs on the
// writer thread; RecordingWriter posts to them through its WorkerThread.
class RecordingSink : public QObject {
    Q_OBJECT
public:
    // Rows written so far, read by the GUI thread while the sink counts.
    using Counter = std::shared_ptr<std::atomic<quint64>>;

    RecordingSink(const QString& path, const QByteArray& headerLine, Counter written);

    // Opens (truncating) the file and writes the header; failed() if it cannot.
    void open();
    void write(const MessageList& batch, const QByteArray& mode, const QByteArray& target,
               bool precise);
    void writePeek(const QList<PeekRecord>& rows, const QByteArray& mode, const QByteArray& target);
    // Flushes and closes; emits closed() — also after a failure, so the thread can end.
    void close();

signals:
    // Recording stopped for good; a sentence for the user with the system's own reason.
    void failed(const QString& sentence);
    void closed(quint64 rows);

private:
    bool flush();
    void fail(const QString& sentence);

    QString m_path;
    QByteArray m_header;
    Counter m_written;
    QFile m_file;
    QByteArray m_buffer;
    RecordingEncoder m_encoder;
    quint64 m_rows = 0;
    bool m_failed = false;
};

} // namespace rqc
