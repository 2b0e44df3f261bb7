#pragma once

#include "ConnectionSettings.h"
#include "MessageBatcher.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QPointer>

#include <memory>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;

// One list element as peeked: its absolute index (LRANGE/LINDEX, 0 = head, the end producers
// LPUSH to) and its bytes.
struct PeekRow {
    qint64 index = 0;
    QByteArray payload;
};

// One stream entry as browsed.
struct PeekEntry {
    QByteArray id;
    QList<QPair<QByteArray, QByteArray>> fields;
    // Milliseconds part of the id (when it was added, by the server's clock).
    qint64 idMs() const { return id.left(id.indexOf('-')).toLongLong(); }
    // What the pane's payload column shows: the "message" field, or the first value.
    QByteArray payload() const;
};

// How a peek stays current.
enum class PeekLive {
    Unknown,       // not connected yet
    Notifications, // subscribed to keyspace (or keyevent) notifications, refreshes on events
    Polling,       // LLEN + the visible window, at most 4 times a second
};

// What a peek saw of one key at one moment. Everything in it was read in one MULTI/EXEC, so it is
// one consistent picture. It holds only the rows on screen: head, tail and one page (lists) or one
// page of entries (streams), each at most `window` long.
struct PeekSnapshot {
    enum class Kind { Missing, List, Stream, Other };
    QByteArray key;
    Kind kind = Kind::Missing;
    QByteArray type; // TYPE's own answer: none, list, stream, hash…
    qint64 length = 0;
    int window = 0;
    // Lists.
    QList<PeekRow> head; // LRANGE 0 N-1
    QList<PeekRow> tail; // LRANGE -N -1: the end FIFO consumers (BRPOP) take from
    QList<PeekRow> page; // LRANGE i i+N-1, when a page was asked for
    qint64 pageStart = -1;
    // Streams: one page, newest first.
    QList<PeekEntry> entries;
    bool atNewest = true; // the page starts at the newest entry
    // Rates per second, estimated between snapshots at least a second apart (netKnown false, or
    // -1 for the event rates: not known yet).
    // netPerSec is the change of length: all that polling can know. With notifications on,
    // inEventsPerSec/outEventsPerSec count push and pop/remove events — commands, not
    // elements (one LPUSH of five values is one event).
    bool netKnown = false;
    double netPerSec = 0;
    double inEventsPerSec = -1;
    double outEventsPerSec = -1;
    PeekLive live = PeekLive::Unknown;
    qint64 takenAtMs = 0;
    QString error; // Redis's own text when the read failed

    int heldRows() const { return int(head.size() + tail.size() + page.size() + entries.size()); }
    // Position from the consuming end (0 = next to be taken by a BRPOP consumer).
    qint64 positionOf(qint64 index) const { return length - 1 - index; }
    // A list's rows as the pane shows them: head, page and tail merged (they overlap on a short
    // list), each index once, in index order.
    QMap<qint64, QByteArray> listByIndex() const;
};

// Check-and-act on one list element, each one Lua script: it runs only if LINDEX key index still
// equals the bytes shown; otherwise nothing changes and the result says the element moved.
enum class PeekAction {
    Delete,     // LSET to a unique tombstone, LREM 1 tombstone: only this element goes
    MoveTo,     // delete here, LPUSH to another list
    Requeue,    // RPUSH a copy to the consuming end (the original stays)
    DeadLetter, // delete here, LPUSH to <key>:dead (as the reliable mode's dead letters)
    XDel,       // streams: XDEL one entry
    EnableNotifications,
};

struct PeekActionResult {
    qint64 requestId = 0;
    PeekAction action = PeekAction::Delete;
    bool done = false;  // it happened
    bool moved = false; // the element moved or was taken (or the entry is gone): nothing changed
    QString message;    // a sentence for the user (Redis's own error text on failure)
};

class PeekReaderWorker : public QObject {
    Q_OBJECT
public:
    PeekReaderWorker(const ConnectionSettings& settings, const QByteArray& key, int window,
                     QObject* parent = nullptr);
    ~PeekReaderWorker() override;

    // Refreshes are at least this far apart (4 per second at most).
    static constexpr int kMinIntervalMs = 250;
    // With notifications on, a refresh this often anyway (events of other classes, like DEL
    // without `g`, are not delivered).
    static constexpr int kSafetyIntervalMs = 5000;

    // Invoked on the worker's thread (queued from PeekReader).
    void start();
    void stop();
    void refresh();
    void showPage(qint64 start); // -1: no page
    enum class StreamPage { Newest, Older, Newer, Oldest };
    void pageStream(StreamPage which);
    void act(qint64 requestId, rqc::PeekAction action, qint64 index, const QByteArray& expected,
             const QByteArray& destination);
    void deleteEntry(qint64 requestId, const QByteArray& id);
    void enableNotifications(qint64 requestId);

signals:
    void snapshotReady(const rqc::PeekSnapshot& snapshot);
    // How the view stays live, with a sentence (e.g. the CONFIG error when it was denied).
    void liveChanged(rqc::PeekLive live, const QString& detail);
    void actionFinished(const rqc::PeekActionResult& result);
    void errorOccurred(const QString& error);
    void stopped();

private:
    void openConnection();
    void onReady();
    void onDown(const QString& reason);
    void checkNotifications();
    void applyNotifyConfig(const QByteArray& flags, const QString& denied);
    void subscribe(bool keyspace);
    void onPush(RedisReply& reply);
    void schedule(int delayMs);
    void finishRefresh(PeekSnapshot snap);
    void setLive(PeekLive live, const QString& detail);
    void finishAction(PeekActionResult result);
    QByteArray dbPrefix(const char* kind) const;

    ConnectionSettings m_settings;
    QByteArray m_key;
    int m_window;
    RedisConnection* m_conn = nullptr;
    RedisConnection* m_events = nullptr;
    QTimer* m_timer = nullptr;
    QTimer* m_reconnect = nullptr;
    Backoff m_backoff;
    QString m_lastError;
    bool m_stopping = false;
    bool m_inFlight = false;
    bool m_again = false;
    bool m_clusterProbed = false; // ClusterDetect's answer at the first connect
    QElapsedTimer m_sinceStart;   // of the last refresh
    PeekSnapshot::Kind m_kind = PeekSnapshot::Kind::List;
    QByteArray m_flags; // notify-keyspace-events as read
    PeekLive m_live = PeekLive::Unknown;
    qint64 m_pageStart = -1;
    QByteArray m_streamEnd = "+"; // XREVRANGE's end: "+", an id, or "(" id
    // Rate estimation.
    qint64 m_rateBaseMs = 0;
    qint64 m_rateBaseLength = -1;
    quint64 m_inEvents = 0;
    quint64 m_outEvents = 0;
    bool m_netKnown = false;
    double m_net = 0;
    double m_in = -1;
    double m_out = -1;
};

// The main thread's handle on one peek: its own connection (and one for notifications) on its
// own thread ("rq-peek"). Reads only — TYPE, LLEN, LRANGE, XLEN, XRANGE/XREVRANGE, CONFIG GET —
// until the user asks for an action. Each action returns a request id answered by one
// actionFinished(); a snapshot follows each action.
class PeekReader : public QObject {
    Q_OBJECT
public:
    PeekReader(const ConnectionSettings& settings, const QByteArray& key, int window = 50,
               QObject* parent = nullptr);
    ~PeekReader() override; // stops its thread

    const QByteArray& key() const { return m_key; }
    void start();
    void stop();
    void refresh();
    void showPage(qint64 start);
    void pageStream(PeekReaderWorker::StreamPage which);
    qint64 act(PeekAction action, qint64 index, const QByteArray& expected,
               const QByteArray& destination = QByteArray());
    qint64 deleteEntry(const QByteArray& id);
    // CONFIG SET notify-keyspace-events, adding K and the key's class to what is there. It
    // changes what the server publishes for every client: the UI confirms first.
    qint64 enableNotifications();

signals:
    void snapshotReady(const rqc::PeekSnapshot& snapshot);
    void liveChanged(rqc::PeekLive live, const QString& detail);
    void actionFinished(const rqc::PeekActionResult& result);
    void errorOccurred(const QString& error);

private:
    template <typename Fn> void post(Fn&& fn);

    ConnectionSettings m_settings;
    QByteArray m_key;
    int m_window;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<PeekReaderWorker> m_worker;
    qint64 m_lastRequestId = 0;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::PeekSnapshot)
Q_DECLARE_METATYPE(rqc::PeekActionResult)
Q_DECLARE_METATYPE(rqc::PeekLive)
Q_DECLARE_METATYPE(rqc::PeekAction)
