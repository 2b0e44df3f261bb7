#pragma once

#include "ConnectionSettings.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QString>

#include <memory>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;
struct RedisReply;

// One step of a traced message after the push: who took it (a stream group's consumer, a
// reliable list's processing list, or someone unknown) and whether it was acked.
struct TraceHop {
    QByteArray group;    // stream group; empty for lists
    QByteArray consumer; // empty: not known
    QByteArray landedIn; // the processing list it landed in (reliable lists)
    bool certain = true; // false: the consumer is inferred (observe on a plain list)
    qint64 takenMs = 0;  // server time; 0 not taken (yet)
    qint64 ackedMs = 0;  // server time; 0 not acked (yet)
    int deliveries = 0;  // stream: XPENDING's delivery count
    // The time is when a poll first saw it (an upper bound), not when it happened.
    bool takenPolled = false;
    bool ackedPolled = false;
};

// The journey of one message the console sent: pushed (by us, at pushedMs) → taken → acked, or
// still waiting when the follower gave up. Times are the server's clock (TIME, or the stream id).
// Without MONITOR a take is seen by polling: takenMs is then when a poll first saw it gone (an
// upper bound), except for streams, where XPENDING's idle time dates the delivery.
struct TraceJourney {
    enum class Stage { Sending, Pushed, Taken, Acked, Failed };
    Stage stage = Stage::Sending;
    bool finished = false; // acked, failed or timed out: nothing more will change
    bool timedOut = false;
    bool stream = false;
    QByteArray key;
    QByteArray payload;    // lists: the element; streams: the first field's value
    QByteArray id;         // the stream id XADD returned
    QByteArray producer;   // our connection's client name (what observe rows show as producer)
    qint64 producerId = 0; // its CLIENT ID
    qint64 pushedMs = 0;
    int timeoutMs = 0;
    QList<TraceHop> hops;
    QString error;

    // One sentence: "pushed → taken by w1 after 3 ms → acked after 5 ms", or what is still missing.
    QString summary() const;
};

struct TraceRequest {
    QByteArray key;
    QByteArray payload;                          // lists
    QList<QPair<QByteArray, QByteArray>> fields; // streams (XADD key * fields…)
    int timeoutMs = 30000;
    int pollMs = 250; // at least 250 (4 polls a second), one request in flight
};

// Sends one message on its own connection and follows it without MONITOR, where Redis says
// exactly: streams by the id XADD returned (XINFO GROUPS, then XPENDING … IDLE 0 id id 1 per
// group); reliable lists by the element leaving the list and turning up in a
// <key>:processing:<consumer> list (SCAN, LPOS), then leaving that; plain lists by the element
// leaving the list (who took it is not knowable without observe). The key's TYPE picks: a stream
// gets XADD, a list or a missing key LPUSH.
class TraceFollowerWorker : public QObject {
    Q_OBJECT
public:
    TraceFollowerWorker(const ConnectionSettings& settings, const QString& name,
                        QObject* parent = nullptr);
    ~TraceFollowerWorker() override;

    // Invoked on the worker's thread.
    void start(const rqc::TraceRequest& request);

signals:
    void journeyChanged(const rqc::TraceJourney& journey);

private:
    void onReady();
    void push(const QByteArray& type);
    void schedulePoll();
    void poll();
    void pollList();
    void pollStream();
    void scanProcessing(const QByteArray& cursor, int pages);
    void findInProcessing(qint64 nowMs);
    void changed();
    void fail(const QString& error);
    bool overdue(qint64 nowMs);

    ConnectionSettings m_settings;
    QString m_name;
    TraceRequest m_request;
    TraceJourney m_journey;
    RedisConnection* m_conn = nullptr;
    QTimer* m_timer = nullptr;
    qint64 m_occurrences = 0;       // lists: copies of the payload right after our push
    QList<QByteArray> m_processing; // reliable lists found by SCAN
    bool m_inFlight = false;
};

// Owns a TraceFollowerWorker on its own thread; journeyChanged arrives on the owner's thread.
class TraceFollower : public QObject {
    Q_OBJECT
public:
    // name becomes the client name rqconsole:trace:<name>.
    TraceFollower(const ConnectionSettings& settings, const QString& name,
                  QObject* parent = nullptr);
    ~TraceFollower() override;

    void start(const TraceRequest& request);
    // The client name the push comes from.
    QByteArray clientName() const;

signals:
    void journeyChanged(const rqc::TraceJourney& journey);

private:
    QString m_name;
    std::unique_ptr<WorkerThread> m_thread;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::TraceJourney)
Q_DECLARE_METATYPE(rqc::TraceRequest)
