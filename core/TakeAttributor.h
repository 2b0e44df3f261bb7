#pragma once

#include "Message.h"
#include "MonitorParser.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>

#include <deque>
#include <vector>

namespace rqc {

// The observer's model of who took what (no I/O, so it is unit-testable with MONITOR lines):
// fed every MONITOR line in order, it keeps each observed list's content (from a snapshot plus the
// pushes and pops it sees) and the clients blocked on it, and emits a row per produce and per take.
//
// MONITOR logs a blocking pop when it is issued, never when it is served, and Redis serves the
// clients blocked on a key first come, first served right after the command (or EXEC, or script)
// that filled it: so a take by a blocked client is inferred (certain=false). A move into a
// reliable processing list (<target>:processing:<consumer>) inside one script shows the payloads
// and is certain; a blocked BLMOVE into one is held until the consumer acks that payload on that
// list (LREM, or a script naming the processing list and the payload), then certain, or emitted
// as inferred after holdUs. Streams: XADD produces, XACK/XCLAIM take; the consumer comes from the
// XREADGROUP GROUP g c of the acking client, the payload from ids the caller resolves.
//
// Snapshots: takeSeedRequests() names keys that need one; the caller runs a transaction for each
// on a side connection and passes replies to seedReplied(). Its ECHO line in the MONITOR stream
// marks where the snapshot holds; lines after it wait until the reply is in. Everything is bounded
// (Limits); beyond a bound the model forgets, and later takes of what it forgot carry no payload.
// Three files: TakeAttributor.cpp (the list model), TakeAttributorCommands.cpp (what each MONITOR
// line does to it), TakeAttributorStreams.cpp (streams).
class TakeAttributor {
public:
    struct Limits {
        int maxItemsPerKey = 100000; // elements kept per list (the rest counted, not kept)
        int maxKeys = 256;           // lists modelled at once (pattern=1)
        int maxWaiters = 10000;      // blocked clients remembered
        int maxHeld = 10000;         // takes waiting for their ack
        qint64 holdUs = 3000000;     // how long a take waits for its ack before it is emitted
        int maxBuffered = 200000;    // lines waiting for a snapshot reply
    };
    // One row: what happened, who did it, and for a take what it took. Addresses, not names: the
    // caller knows the names (CLIENT LIST).
    struct Row {
        Observation obs; // clientName, producer and consumer left empty
        QByteArray payload;
        QByteArray id;           // stream entry id
        QByteArray clientAddr;   // who issued the command
        QByteArray producerAddr; // a take: who pushed it (empty: unknown)
        QByteArray consumerAddr; // a take: who took it
        QByteArray consumerName; // a take: a name known without CLIENT LIST (processing list,
                                 // stream consumer)
        bool payloadKnown = true;
    };

    TakeAttributor(const QByteArray& target, bool pattern, const Limits& limits);
    TakeAttributor(const QByteArray& target, bool pattern)
        : TakeAttributor(target, pattern, Limits())
    {
    }

    bool matches(const QByteArray& key) const;
    // A cheap test on a raw MONITOR line: false means it cannot concern the target.
    bool mightMatter(const QByteArray& raw) const;

    void apply(MonitorLine&& line);
    // Call when the stream is quiet (end of a read burst): completes what a script or a command
    // started (serves blocked clients) and emits takes whose ack did not come in time.
    void settle(qint64 nowUs);

    // Keys needing a snapshot, each with the token its transaction must ECHO
    // (MULTI, LLEN key, LRANGE key -maxItemsPerKey -1, ECHO token, EXEC): the ECHO line marks
    // the point in the MONITOR stream where the snapshot holds. The caller sends them in order.
    QList<QPair<QByteArray, QByteArray>> takeSeedRequests();
    // The transaction's reply (or failed=true). Unknown tokens are ignored.
    void seedReplied(const QByteArray& token, qint64 length, const QList<QByteArray>& items,
                     bool failed = false);

    // Stream ids: MONITOR shows XADD * without the id it made. For each request the caller runs
    // MULTI, XREVRANGE key + - COUNT count, ECHO token, EXEC on the side connection and passes
    // the entries (id, payload), newest first as XREVRANGE gives them, to streamIdsReplied(): at
    // the ECHO line the newest entries are those of the XADDs seen so far, in order. XADD rows
    // and XACK/XCLAIM rows of ids not known yet wait for that (at most holdUs).
    struct StreamRequest {
        QByteArray key;
        QByteArray token;
        int count = 0;
    };
    QList<StreamRequest> takeStreamRequests();
    void streamIdsReplied(const QByteArray& token,
                          const QList<QPair<QByteArray, QByteArray>>& newestFirst, bool failed);

    // Drift checks: a command the model does not follow (BLMPOP, a client blocked before the
    // observer started…) makes it drift. Every so often the caller runs MULTI, LLEN key,
    // ECHO token, EXEC for each key returned; a length that differs from the model's at the ECHO
    // line asks for a fresh snapshot. Returns (key, token) pairs.
    QList<QPair<QByteArray, QByteArray>> takeLengthChecks();
    void lengthReplied(const QByteArray& token, qint64 length);
    quint64 driftsFound() const { return m_drifts; }

    std::vector<Row>& rows() { return m_rows; }
    // Forget every list and blocked client (after a reconnect or dropped lines): each list gets a
    // fresh snapshot.
    void invalidate();

    qsizetype modelItems() const;
    qsizetype waiters() const { return qsizetype(m_waiters.size()); }
    qsizetype held() const { return qsizetype(m_held.size()); }
    qsizetype buffered() const { return qsizetype(m_buffer.size()); }
    // Snapshots sent whose EXEC line or reply is still awaited.
    bool seedOutstanding() const { return !m_seedsSent.empty(); }

private:
    // A produce row as every push makes it: who pushed it, when, to which key.
    static Row produceRow(const QByteArray& command, const QByteArray& key, qint64 us,
                          const QByteArray& client);
    struct Item {
        QByteArray payload;
        QByteArray producer;
        qint64 producedUs = 0;
        bool known = true;
    };
    struct ListModel {
        std::deque<Item> items; // index 0 = left (head)
        qint64 unknown = 0;     // elements beyond the left end that are not kept
        bool synced = false;
        bool seedRequested = false;
        qint64 size() const { return qint64(items.size()) + unknown; }
    };
    struct Waiter {
        QByteArray addr;
        QList<QByteArray> keys;
        bool fromLeft = false; // BLPOP, BLMOVE LEFT …
        QByteArray dest;       // BLMOVE / BRPOPLPUSH
        bool destLeft = true;
        QByteArray command;
        qint64 deadlineUs = 0; // 0: for ever
    };
    struct Held {
        Row row;
        QByteArray dest;
        qint64 sinceUs = 0;
    };

    void applyLine(MonitorLine& line);
    ListModel& model(const QByteArray& key);
    ListModel* findModel(const QByteArray& key);
    void push(const QByteArray& key, const QByteArray& client, const QByteArray& command,
              const QByteArray& payload, bool left, qint64 us, bool known = true);
    // Pops one element for a take; false when the model says the list is empty.
    bool pop(const QByteArray& key, bool left, Item* out);
    void emitTake(const QByteArray& key, const Item& item, const QByteArray& client,
                  const QByteArray& command, qint64 us, bool certain, const QByteArray& dest);
    void emitRemove(const QByteArray& key, const Item& item, const QByteArray& client,
                    const QByteArray& command, qint64 us);
    void serveBlocked(qint64 us);
    void endScript(qint64 us);
    void dropWaiter(const QByteArray& addr);
    void confirmAck(const QByteArray& processing, const QByteArray& payload, qint64 us);
    void expireHeld(qint64 nowUs, bool all);
    bool isProcessingOfTarget(const QByteArray& key, QByteArray* queue) const;
    void streamCommand(MonitorLine& line, const QByteArray& cmd, const QByteArray& client);
    void rememberEntry(const QByteArray& key, const QByteArray& id, const Item& item);
    void resolveStreams();
    void releaseStreamRows(qint64 nowUs, bool all);
    struct PendingXadd {
        Row row;
        qint64 index = 0; // the how-many-th XADD on its key
        qint64 sinceUs = 0;
    };
    struct StreamReq {
        QByteArray key;
        QByteArray token;
        int count = 0;
        qint64 cut = -1; // XADDs on the key before its ECHO line; -1 until seen
        bool replyIn = false;
        bool failed = false;
        QList<QPair<QByteArray, QByteArray>> newestFirst;
    };
    QHash<QByteArray, qint64> m_xaddCount;
    std::deque<PendingXadd> m_xaddPending;
    std::deque<Held> m_heldStream; // XACK/XCLAIM rows whose id's payload is not known yet
    std::deque<StreamReq> m_streamReqs;
    struct Check {
        QByteArray key;
        QByteArray token;
        qint64 modelSize = 0; // at its ECHO line
        qint64 length = 0;    // the server's, from the reply (-1: the check failed)
        bool seen = false;    // its ECHO line went by
        bool replied = false;
        bool skip = false; // the model had no snapshot at the ECHO line: nothing to compare
    };
    void compareChecks();
    std::deque<Check> m_checks;
    quint64 m_drifts = 0;
    QSet<QByteArray> m_streamWanted;
    void applySeed(const QByteArray& key, qint64 length, const QList<QByteArray>& items);

    QByteArray m_target;
    bool m_pattern;
    Limits m_limits;
    QByteArray m_prefilter;

    QHash<QByteArray, ListModel> m_models;
    std::deque<Waiter> m_waiters;
    std::deque<Held> m_held;
    QHash<QByteArray, QByteArray> m_processingOwner; // processing list -> client that moves in
    QSet<QByteArray> m_inMulti;                      // clients between MULTI and EXEC
    QHash<QByteArray, QByteArray> m_streamConsumer;  // client addr -> XREADGROUP consumer
    QHash<QByteArray, Item> m_streamEntries;         // "key\0id" -> payload (bounded)
    std::deque<QByteArray> m_streamOrder;

    // The script being run: its caller, and what it removed from observed lists (a move into a
    // processing list in the same script makes those takes certain).
    QByteArray m_scriptClient;
    QList<QByteArray> m_scriptArgv;
    bool m_inScript = false;
    struct Removed {
        QByteArray key;
        Item item;
        QByteArray command;
    };
    QList<Removed> m_scriptRemoved;
    bool m_dirty = false; // a list got elements: serve blocked clients when the command completes
    qint64 m_lastUs = 0;

    // Snapshots: requested (keys), sent (awaiting the EXEC line), passed (awaiting the reply).
    struct Seed {
        QByteArray key;
        QByteArray token;
        bool linePassed = false;
        bool replyIn = false;
        bool failed = false;
        qint64 length = 0;
        QList<QByteArray> items;
    };
    void drain();
    bool blocked() const { return !m_seedsSent.empty() && m_seedsSent.front().linePassed; }
    void processOne(MonitorLine& line);
    quint64 m_seedCounter = 0;
    QHash<QByteArray, QList<QByteArray>> m_scriptAckCandidates; // processing list -> payloads
    QByteArray m_execClient; // the client whose EXEC block is being read
    QList<QByteArray> m_seedRequests;
    std::deque<Seed> m_seedsSent;
    std::deque<MonitorLine> m_buffer;

    std::vector<Row> m_rows;
};

} // namespace rqc
