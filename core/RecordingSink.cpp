#include "RecordingSink.h"

#include <QDir>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rqc {

namespace {
constexpr qsizetype kFlushBytes = 1 << 20;
[[maybe_unused]] constexpr int kNiceness = 5;
} // namespace

RecordingSink::RecordingSink(const QString& path, const QByteArray& headerLine, Counter written)
    : m_path(path)
    , m_header(headerLine)
    , m_written(std::move(written))
{
}

void RecordingSink::open()
{
#ifdef Q_OS_LINUX
    // A background job: during a flood the consumer and the window go first, and the recording
    // catches up from memory afterwards (the rows are held, never dropped). Linux nices threads.
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), kNiceness);
#endif
    m_file.setFileName(m_path);
    // Unbuffered: m_buffer is the buffer, and a batch reaches the file in one write.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        fail(tr("Cannot record to %1: %2.")
                 .arg(QDir::toNativeSeparators(m_path), m_file.errorString()));
        return;
    }
    m_buffer.reserve(kFlushBytes + 64 * 1024);
    m_buffer.append(m_header);
    flush();
}

void RecordingSink::write(const MessageList& batch, const QByteArray& mode,
                          const QByteArray& target, bool precise)
{
    if (m_failed || !m_file.isOpen())
        return;
    for (const Message& message : batch) {
        m_encoder.appendRow(m_buffer, message, mode, target, precise);
        ++m_rows;
        if (m_buffer.size() >= kFlushBytes && !flush())
            return;
    }
    flush();
}

void RecordingSink::writePeek(const QList<PeekRecord>& rows, const QByteArray& mode,
                              const QByteArray& target)
{
    if (m_failed || !m_file.isOpen())
        return;
    for (const PeekRecord& row : rows) {
        m_encoder.appendPeekRow(m_buffer, row, mode, target);
        ++m_rows;
        if (m_buffer.size() >= kFlushBytes && !flush())
            return;
    }
    flush();
}

bool RecordingSink::flush()
{
    if (m_failed)
        return false;
    const qsizetype size = m_buffer.size();
    const qint64 n = size > 0 ? m_file.write(m_buffer.constData(), size) : 0;
    if (n != size) {
        fail(tr("Recording to %1 stopped after %2 rows: %3.")
                 .arg(QDir::toNativeSeparators(m_path), QString::number(m_written->load()),
                      m_file.errorString()));
        return false;
    }
    m_buffer.resize(0); // keeps the capacity
    m_written->store(m_rows);
    return true;
}

void RecordingSink::close()
{
    if (m_file.isOpen()) {
        flush();
        m_file.close();
        if (!m_failed && m_file.error() != QFileDevice::NoError)
            fail(tr("Recording to %1 could not be closed: %2.")
                     .arg(QDir::toNativeSeparators(m_path), m_file.errorString()));
    }
    emit closed(m_written->load());
}

void RecordingSink::fail(const QString& sentence)
{
    m_failed = true;
    m_buffer.clear();
    if (m_file.isOpen())
        m_file.close();
    emit failed(sentence);
}

} // namespace rqc
