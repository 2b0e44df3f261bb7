#pragma once

#include "ConsumerWorker.h"
#include "TakeAttributor.h"

#include <QHash>

#include <atomic>

namespace rqc {

struct RedisReply;

// Mode observe: every client's traffic on one key or channel (or a glob, pattern=1), taking
// nothing. source=monitor (default): MONITOR on the worker's connection, each relevant line fed
// to a TakeAttributor, client names from CLIENT LIST on a side connection (refreshed when an
// unknown address shows up: at most one in flight, at most every 200 ms). source=events:
// keyspace notifications, events only (no payload, no client); it never turns them on.
//
// Bounded: the socket buffers at most 4 MiB ahead of the worker; when the worker falls more than
// 2 s behind the server's clock it skips lines (counted, with the reason, in notice()) until it
// has caught up, then rebuilds its model from fresh snapshots. Every second it reads its own
// connection's output buffer on the server (CLIENT LIST ID → omem) and reports it once it grows
// past 1 MiB, before Redis's client-output-buffer-limit disconnects it.
class ObserveWorker : public ConsumerWorker {
    Q_OBJECT
public:
    ObserveWorker(const ConnectionSettings& settings, const ConsumerSpec& spec,
                  QObject* parent = nullptr);
    ~ObserveWorker() override;

    // What MONITOR costs, said before it starts.
    static QString monitorCostText();
    // Lines skipped because the observer fell behind (any thread).
    quint64 dropped() const { return m_dropped.load(std::memory_order_relaxed); }
    // Test hook: busy work per relevant MONITOR line, in microseconds, to fall behind on purpose.
    static void setLineCostForTest(int us);

signals:
    // Cost, drops, the output buffer, notifications being off: one sentence each.
    void notice(const QString& text);

protected:
    void onReady() override;
    bool listeningWhenReady() const override { return false; }
    // MONITOR is pushed: a slow taker pauses the socket (its read buffer is capped, see above).
    bool pausesReadingWhenFull() const override { return true; }
    QString gapNote() const override;
    void onConnectionLost() override;
    // At a stop: what the model still holds (takes awaiting their ack, stream rows awaiting
    // their id) is shown as it stands.
    bool lastWorkPending() override;

private:
    struct ClientInfo {
        qint64 id = 0;
        QByteArray name;
    };
    bool eventsSource() const;
    void onMonitorLine(RedisReply& reply);
    void onEvent(RedisReply& reply);
    void openSide();
    void onSideReady();
    void sendSeeds();
    void sendStreamRequests();
    void sendLengthChecks();
    void refreshClients();
    void scheduleSettle();
    void settle();
    void flushRows(bool force);
    void checkOutputBuffer();
    void checkNotifications();
    QByteArray who(const QByteArray& addr) const;

    TakeAttributor m_attributor;
    RedisConnection* m_side = nullptr; // snapshots, CLIENT LIST, CONFIG GET, omem
    QTimer* m_sideRetry = nullptr;
    QTimer* m_tick = nullptr;
    QHash<QByteArray, ClientInfo> m_clients; // by MONITOR address
    QSet<QByteArray> m_unnamed;              // addresses CLIENT LIST did not know either
    bool m_clientsInFlight = false;
    bool m_clientsWanted = false;
    qint64 m_clientsAtMs = 0;
    qint64 m_rowsWaitingSinceMs = 0;
    bool m_settleQueued = false;
    bool m_monitoring = false;
    quint64 m_seedGeneration = 0;
    // Falling behind.
    qint64 m_minOffsetUs = std::numeric_limits<qint64>::max();
    bool m_shedding = false;
    quint64 m_droppedReported = 0;
    qint64 m_lagUs = 0;
    std::atomic<quint64> m_dropped{0};
    qint64 m_lastOmem = 0;
    int m_omemTicks = 0;
};

} // namespace rqc
