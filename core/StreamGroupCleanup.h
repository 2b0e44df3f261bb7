#pragma once

#include "ConnectionSettings.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QPointer>

class QTimer;

namespace rqc {

class RedisConnection;

// What the console left in one stream consumer group: the consumer names it read with, and
// whether it created the group itself (XGROUP CREATE answered OK, not BUSYGROUP).
struct GroupFootprint {
    ConnectionSettings server;
    QByteArray stream;
    QByteArray group;
    bool groupCreated = false;
    QList<QByteArray> consumers;

    bool sameGroup(const GroupFootprint& o) const;
};

// What a check or a clean-up found, for one footprint, from XINFO GROUPS and XINFO CONSUMERS as
// they were when the server ran the script.
struct GroupCleanupResult {
    enum class State {
        Failed,    // not read: error says why
        Gone,      // the stream or the group is not there any more
        Free,      // check: nobody else uses the group (only offered when the console created it)
        Used,      // check: other consumers, or entries pending for them
        Destroyed, // XGROUP DESTROY done
        Kept,      // the group stays (asked to, or in use); removedConsumers says what went
    };
    GroupFootprint footprint;
    State state = State::Failed;
    QList<QPair<QByteArray, qint64>> others; // the group's other consumers and their pending
    qint64 othersPending = 0;                // entries pending for consumers not the console's
    qint64 ownPending = 0;                   // entries pending for the console's consumers
    QList<QByteArray> removedConsumers;      // XGROUP DELCONSUMER done (no pending entries)
    QList<QPair<QByteArray, qint64>> keptConsumers; // the console's, kept: entries pending
    QString error;

    // Whether removing the group may be offered: the console created it and nobody else uses it.
    bool destroyable() const { return footprint.groupCreated && state == State::Free; }
};

// Checks and removes what the console left in a stream consumer group, in one Lua script run
// (EVALSHA), so that what is checked is what is acted on:
//   check()  reads only: is the group there, who else uses it, how much is pending for whom;
//   clean()  XGROUP DESTROY when destroyGroup is set, the console created the group and it has
//            no other consumers and no entries pending for others at that moment; otherwise
//            (and never for a group the console did not create) XGROUP DELCONSUMER of each of
//            the console's consumers that has no pending entries.
// A short-lived connection on the calling thread, as ConnectionTester; never blocks it.
// finished() follows each call, within timeoutMs.
class StreamGroupCleanup : public QObject {
    Q_OBJECT
public:
    explicit StreamGroupCleanup(QObject* parent = nullptr);
    ~StreamGroupCleanup() override;

    void check(const GroupFootprint& footprint);
    void clean(const GroupFootprint& footprint, bool destroyGroup);
    bool isRunning() const { return !m_conn.isNull(); }

    static int timeoutMs() { return 4000; }

signals:
    void finished(const rqc::GroupCleanupResult& result);

private:
    void run(const GroupFootprint& footprint, const QByteArray& action);
    void done(GroupCleanupResult result);

    QPointer<RedisConnection> m_conn;
    QTimer* m_timeout = nullptr;
    GroupFootprint m_footprint;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::GroupCleanupResult)
