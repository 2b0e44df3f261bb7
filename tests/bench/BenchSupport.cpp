#include "BenchSupport.h"

#include "RedisConnection.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

namespace rqc::bench {

QJsonObject Result::toJson() const
{
    QJsonObject o = extra;
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("messages"), double(messages));
    o.insert(QStringLiteral("seconds"), seconds);
    o.insert(QStringLiteral("rate"), std::round(rate()));
    o.insert(QStringLiteral("lost"), double(lost));
    o.insert(QStringLiteral("duplicated"), double(duplicated));
    return o;
}

void writePayload(char* out, int size, quint64 seq)
{
    static const char prefix[] = "rqbench:";
    std::memcpy(out, prefix, 8);
    for (int i = 23; i >= 8; --i) {
        out[i] = char('0' + seq % 10);
        seq /= 10;
    }
    out[24] = ':';
    if (size > kSeqPrefixSize)
        std::memset(out + kSeqPrefixSize, 'x', size_t(size - kSeqPrefixSize));
}

QByteArray makePayload(quint64 seq, int size)
{
    QByteArray p(qMax(size, kSeqPrefixSize), Qt::Uninitialized);
    writePayload(p.data(), int(p.size()), seq);
    return p;
}

bool parseSeq(const char* data, qsizetype size, quint64* seq)
{
    if (size < kSeqPrefixSize || std::memcmp(data, "rqbench:", 8) != 0 || data[24] != ':')
        return false;
    quint64 v = 0;
    for (int i = 8; i < 24; ++i) {
        const char c = data[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + quint64(c - '0');
    }
    *seq = v;
    return true;
}

SeqTracker::SeqTracker(quint64 expected)
    : m_expected(expected)
    , m_seen(size_t(expected) + 1, 0)
{
}

void SeqTracker::record(const char* data, qsizetype size)
{
    ++m_total;
    quint64 seq = 0;
    if (!parseSeq(data, size, &seq) || seq == 0 || seq > m_expected) {
        ++m_invalid;
        return;
    }
    quint8& seen = m_seen[size_t(seq)];
    if (seen) {
        ++m_duplicates;
    } else {
        seen = 1;
        ++m_unique;
    }
}

namespace {
void appendBulk(QByteArray& out, const char* data, qsizetype size)
{
    out += '$';
    out += QByteArray::number(size);
    out += "\r\n";
    out.append(data, size);
    out += "\r\n";
}
} // namespace

bool fillList(SyncClient& client, const QByteArray& key, quint64 count, int size)
{
    char payload[4096];
    size = qBound(kSeqPrefixSize, size, int(sizeof payload));
    return client.pipeline(count, [&](quint64 i, QByteArray& out) {
        writePayload(payload, size, i + 1);
        out += "*3\r\n$5\r\nLPUSH\r\n";
        appendBulk(out, key.constData(), key.size());
        appendBulk(out, payload, size);
    });
}

bool fillStream(SyncClient& client, const QByteArray& key, quint64 count, int size)
{
    char payload[4096];
    size = qBound(kSeqPrefixSize, size, int(sizeof payload));
    return client.pipeline(count, [&](quint64 i, QByteArray& out) {
        writePayload(payload, size, i + 1);
        out += "*5\r\n$4\r\nXADD\r\n";
        appendBulk(out, key.constData(), key.size());
        out += "$1\r\n*\r\n$7\r\nmessage\r\n";
        appendBulk(out, payload, size);
    });
}

bool waitFor(const std::function<bool()>& done, const std::function<quint64()>& progress,
             int idleMs)
{
    // A real event loop, woken by events or a 5 ms check. (processEvents(flags, ms) drops
    // WaitForMoreEvents and would spin, stealing a core from the threads being measured.)
    if (done())
        return true;
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    quint64 last = progress ? progress() : 0;
    bool ok = false;
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done()) {
            ok = true;
            loop.quit();
            return;
        }
        const quint64 now = progress ? progress() : 0;
        if (now != last) {
            last = now;
            sinceProgress.restart();
        } else if (sinceProgress.elapsed() > idleMs) {
            loop.quit();
        }
    });
    check.start(5);
    loop.exec();
    return ok;
}

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool listsEvery(const ServerSnapshot& snapshot, const QSet<QByteArray>& lists,
                const QSet<QByteArray>& streams)
{
    qsizetype have = 0;
    for (const auto& k : snapshot.lists)
        have += lists.contains(k.name);
    for (const auto& k : snapshot.streams)
        have += streams.contains(k.name);
    return have == lists.size() + streams.size();
}

double peakRssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:")) {
            const QByteArray kb = line.mid(6).trimmed().split(' ').value(0);
            return kb.toDouble() / 1024.0;
        }
    }
    return -1;
}

StallProbe::StallProbe(int intervalMs, QObject* parent)
    : QObject(parent)
    , m_timer(this)
    , m_intervalNs(qint64(intervalMs) * 1000000)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::onTick);
}

namespace {
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
} // namespace

void StallProbe::start()
{
    m_clock.start();
    m_last = 0;
    m_lastCpu = threadCpuNs();
    m_maxStallNs = 0;
    m_maxStallCpuNs = 0;
    m_ticks = 0;
    m_timer.start();
}

void StallProbe::onTick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 cpu = threadCpuNs();
    const qint64 stall = now - m_last - m_intervalNs;
    if (stall > m_maxStallNs) {
        m_maxStallNs = stall;
        m_maxStallCpuNs = cpu - m_lastCpu;
    }
    m_last = now;
    m_lastCpu = cpu;
    ++m_ticks;
}

void StallProbe::stop()
{
    if (!m_timer.isActive())
        return;
    onTick(); // a stall that lasted until now counts too
    m_timer.stop();
}

CpuMeter::CpuMeter(const ConnectionSettings& settings)
    : m_client(std::make_unique<SyncClient>(settings, QStringLiteral("bench-cpu")))
{
}

CpuMeter::~CpuMeter() = default;

double CpuMeter::serverCpuMs()
{
    const RedisReply r = m_client->command({"INFO", "cpu"});
    double s = 0;
    for (const QByteArray& line : r.str.split('\n')) {
        if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:"))
            s += line.mid(line.indexOf(':') + 1).trimmed().toDouble();
    }
    return s * 1000.0;
}

QHash<QString, double> CpuMeter::threadCpuMs()
{
    QHash<QString, double> out;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        QFile sched(tasks.filePath(tid + QStringLiteral("/schedstat")));
        if (!comm.open(QIODevice::ReadOnly) || !sched.open(QIODevice::ReadOnly))
            continue;
        const QString name = QString::fromUtf8(comm.readAll().trimmed());
        const double ns = sched.readAll().split(' ').value(0).toDouble();
        out[name] += ns / 1e6;
    }
    return out;
}

void CpuMeter::start()
{
    m_server0 = serverCpuMs();
    m_threads0 = threadCpuMs();
}

QJsonObject CpuMeter::stop()
{
    const QHash<QString, double> threads = threadCpuMs();
    const double server = serverCpuMs() - m_server0;
    QJsonObject perThread;
    double client = 0;
    for (auto it = threads.cbegin(); it != threads.cend(); ++it) {
        const double ms = it.value() - m_threads0.value(it.key());
        client += ms;
        if (ms >= 0.5)
            perThread.insert(it.key(), std::round(ms * 10) / 10);
    }
    QJsonObject o;
    o.insert(QStringLiteral("server_ms"), std::round(server * 10) / 10);
    o.insert(QStringLiteral("client_ms"), std::round(client * 10) / 10);
    o.insert(QStringLiteral("threads_ms"), perThread);
    return o;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const double rank = std::ceil(p / 100.0 * double(values.size()));
    const size_t i = size_t(qBound(1.0, rank, double(values.size()))) - 1;
    return values[i];
}

} // namespace rqc::bench
