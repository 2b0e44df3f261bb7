#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"
#include "ServerMonitor.h"
#include "TestSupport.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace rqc {
class RedisConnection;
}

namespace rqc::bench {

// What one scenario run measured; printed as one JSON line on stdout for scripts/bench.sh.
struct Result {
    QString name;
    quint64 messages = 0;
    double seconds = 0;
    quint64 lost = 0;
    quint64 duplicated = 0;
    QJsonObject extra; // scenario-specific figures (max_stall_ms, p99_ms, notes…)
    bool countsOk() const { return lost == 0 && duplicated == 0; }
    double rate() const { return seconds > 0 ? double(messages) / seconds : 0; }
    QJsonObject toJson() const;
};

// Payloads carry their sequence number so that lost and duplicated messages can be counted:
// "rqbench:<16 digits>:" padded with 'x' to the requested size (at least 25 bytes).
constexpr int kSeqPrefixSize = 25;
void writePayload(char* out, int size, quint64 seq);
QByteArray makePayload(quint64 seq, int size);
bool parseSeq(const char* data, qsizetype size, quint64* seq);

// Counts every sequence number 1..N seen: unique, duplicated, and payloads that are not ours.
class SeqTracker {
public:
    explicit SeqTracker(quint64 expected);
    void record(const char* data, qsizetype size);
    void record(const QByteArray& payload) { record(payload.constData(), payload.size()); }
    quint64 expected() const { return m_expected; }
    quint64 unique() const { return m_unique; }
    quint64 total() const { return m_total; }
    quint64 lost() const { return m_expected - m_unique; }
    // Second copies of a sequence number, plus payloads that are not ours at all.
    quint64 duplicated() const { return m_duplicates + m_invalid; }
    quint64 invalid() const { return m_invalid; }
    bool complete() const { return m_unique == m_expected; }

private:
    quint64 m_expected;
    std::vector<quint8> m_seen;
    quint64 m_unique = 0;
    quint64 m_total = 0;
    quint64 m_duplicates = 0;
    quint64 m_invalid = 0;
};

// The tests' synchronous client (tests/common), for set-up and checks; never timed.
using test::SyncClient;

// Pre-fills a list (LPUSH, so BRPOP sees 1..N in order) or a stream (XADD key * message …) with
// N sequence-numbered payloads.
bool fillList(SyncClient& client, const QByteArray& key, quint64 count, int size);
bool fillStream(SyncClient& client, const QByteArray& key, quint64 count, int size);

// Runs the event loop until done() holds. Gives up (returns false) when progress() has not moved
// for idleMs: a lost message must end the run, not hang it.
bool waitFor(const std::function<bool()>& done, const std::function<quint64()>& progress,
             int idleMs);
// Runs the event loop for ms milliseconds.
void spin(int ms);

// Peak resident set size of this process (VmHWM), in MB.
double peakRssMb();

// Whether snapshot lists every one of lists (as lists) and streams (as streams).
bool listsEvery(const ServerSnapshot& snapshot, const QSet<QByteArray>& lists,
                const QSet<QByteArray>& streams);

// A 5 ms timer on the GUI thread that measures its own lateness: the longest gap between two
// timeouts, minus the interval, is the longest time the event loop could not run a timer.
class StallProbe : public QObject {
    Q_OBJECT
public:
    explicit StallProbe(int intervalMs = 5, QObject* parent = nullptr);
    void start();
    void stop();
    double maxStallMs() const { return m_maxStallNs / 1e6; }
    // CPU time this (GUI) thread used during the longest stall: close to maxStallMs() means the
    // GUI thread was busy; much less means it was waiting or not scheduled (a loaded machine).
    double maxStallCpuMs() const { return m_maxStallCpuNs / 1e6; }
    quint64 ticks() const { return m_ticks; }

private:
    void onTick();
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_intervalNs;
    qint64 m_maxStallNs = 0;
    qint64 m_lastCpu = 0;
    qint64 m_maxStallCpuNs = 0;
    quint64 m_ticks = 0;
};

// CPU time spent during a timed phase: by the redis-server (INFO cpu: used_cpu_user + sys, main
// and background threads) and by each thread of this process (/proc/self/task/*/schedstat, ns),
// keyed by thread name. Wall-clock rates on a loaded machine say little; CPU per message does.
class CpuMeter {
public:
    explicit CpuMeter(const ConnectionSettings& settings);
    ~CpuMeter();
    void start();
    // {"server_ms": …, "client_ms": …, "threads_ms": {"rq-list-q": …, "rqc-bench": …}}
    QJsonObject stop();

private:
    double serverCpuMs();
    static QHash<QString, double> threadCpuMs();

    std::unique_ptr<SyncClient> m_client;
    double m_server0 = 0;
    QHash<QString, double> m_threads0;
};

// Percentile (0..100) of a sample, nearest-rank.
double percentile(std::vector<double> values, double p);

} // namespace rqc::bench
