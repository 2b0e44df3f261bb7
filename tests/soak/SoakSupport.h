// Pieces of rq_soak (SoakDriver.cpp): its RSS, the per-mode ledger, a blocking admin client and
// timestamped output.
#pragma once

#include "RedisReply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QTcpSocket>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <vector>

namespace rqc::soak {

inline qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

inline bool seqOf(const QByteArray& payload, quint64* seq)
{
    const int colon = payload.lastIndexOf(':');
    bool ok = false;
    *seq = payload.mid(colon + 1).toULongLong(&ok);
    return colon >= 0 && ok && *seq > 0;
}

inline void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
inline void say(const char* format, ...)
{
    static QElapsedTimer clock;
    if (!clock.isValid())
        clock.start();
    std::printf("[%7.1f s] ", double(clock.elapsed()) / 1000.0);
    va_list args;
    va_start(args, format);
    std::vprintf(format, args);
    va_end(args);
    std::printf("\n");
    std::fflush(stdout);
}

// One mode's counts. Per-sequence counters are allocated up front (capacity messages) so that
// the ledger itself does not make the RSS grow during the run.
struct Ledger {
    QByteArray name;
    bool precise = false;
    std::vector<quint8> produced, consumed, acked;
    quint64 producedCount = 0, failedSends = 0, consumedTotal = 0, dupDelivered = 0;
    quint64 ackedUnique = 0, dupAcks = 0, foreign = 0, goneOnRetry = 0, gaps = 0;

    Ledger(const QByteArray& n, bool p, size_t capacity)
        : name(n)
        , precise(p)
        , produced(capacity + 1)
        , consumed(capacity + 1)
        , acked(capacity + 1)
    {
    }
    bool valid(quint64 seq) const { return seq > 0 && seq < produced.size(); }
    void consume(const QByteArray& payload)
    {
        quint64 seq = 0;
        ++consumedTotal;
        if (!seqOf(payload, &seq) || !valid(seq)) {
            ++foreign;
            return;
        }
        if (consumed[seq] > 0)
            ++dupDelivered;
        if (consumed[seq] < 255)
            ++consumed[seq];
    }
    void ack(const QByteArray& payload)
    {
        quint64 seq = 0;
        if (!seqOf(payload, &seq) || !valid(seq))
            return;
        if (acked[seq] > 0)
            ++dupAcks;
        else
            ++ackedUnique;
        if (acked[seq] < 255)
            ++acked[seq];
    }
    quint64 uniqueConsumed() const
    {
        quint64 n = 0;
        for (size_t i = 1; i < consumed.size(); ++i)
            n += produced[i] && consumed[i];
        return n;
    }
    quint64 lost() const { return producedCount - uniqueConsumed(); }
    quint64 unacked() const
    {
        quint64 n = 0;
        for (size_t i = 1; i < consumed.size(); ++i)
            n += consumed[i] && !acked[i];
        return n;
    }
};

// A blocking admin client for the chaos loop and the final checks (its own short connection).
class Admin {
public:
    explicit Admin(quint16 port)
        : m_port(port)
    {
    }
    bool command(const QList<QByteArray>& argv, RedisReply* out, int timeoutMs = 2000)
    {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), m_port);
        if (!s.waitForConnected(timeoutMs))
            return false;
        s.write(encodeCommand(argv));
        RespReader reader;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            const RespReader::Status st = reader.next(*out);
            if (st == RespReader::Status::Reply)
                return true;
            if (st == RespReader::Status::ProtocolError)
                return false;
            if (!s.waitForReadyRead(int(std::max<qint64>(1, timeoutMs - t.elapsed()))))
                return false;
            reader.feed(s.readAll());
        }
        return false;
    }

private:
    quint16 m_port;
};

} // namespace rqc::soak
