#include "Flooder.h"

#include "BenchSupport.h"
#include "RedisConnection.h"

namespace rqc::bench {

Flooder::Flooder(const ConnectionSettings& settings, const QByteArray& channel, quint64 count,
                 int size, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_channel(channel)
    , m_count(count)
    , m_size(qMax(size, kSeqPrefixSize))
{
}

void Flooder::open()
{
    m_conn = new RedisConnection(m_settings, QStringLiteral("bench-flooder"), QString(), this);
    connect(m_conn, &RedisConnection::ready, this, &Flooder::ready);
    connect(m_conn, &RedisConnection::failed, this, [this](const QString& e) {
        m_done = true;
        emit finished(m_answered, m_receivers, e);
    });
    connect(m_conn, &RedisConnection::disconnected, this, [this](const QString& e) {
        m_done = true;
        emit finished(m_answered, m_receivers, e);
    });
    m_conn->open();
}

void Flooder::go() { pump(); }

void Flooder::pump()
{
    const QByteArray header = "*3\r\n$7\r\nPUBLISH\r\n$" + QByteArray::number(m_channel.size()) +
                              "\r\n" + m_channel + "\r\n$" + QByteArray::number(m_size) + "\r\n";
    QByteArray payload(m_size, Qt::Uninitialized);
    while (!m_done && m_inFlight < m_window && m_next < m_count) {
        const quint64 n = qMin<quint64>(quint64(m_chunk), m_count - m_next);
        QByteArray encoded;
        encoded.reserve(qsizetype(n) * (header.size() + m_size + 2));
        for (quint64 i = 0; i < n; ++i) {
            writePayload(payload.data(), m_size, m_next + i + 1);
            encoded += header;
            encoded += payload;
            encoded += "\r\n";
        }
        m_next += n;
        ++m_inFlight;
        m_conn->sendEncoded(encoded, int(n), [this, n](QList<RedisReply>& replies) {
            --m_inFlight;
            m_answered += n;
            for (const RedisReply& r : replies) {
                if (r.isError()) {
                    m_done = true;
                    emit finished(m_answered, m_receivers, QString::fromUtf8(r.str));
                    return;
                }
                m_receivers += r.integer;
            }
            if (m_answered == m_count) {
                m_done = true;
                emit finished(m_answered, m_receivers, QString());
                return;
            }
            pump();
        });
    }
}

} // namespace rqc::bench
