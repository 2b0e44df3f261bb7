#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <QHash>

#include <deque>
#include <functional>

class QIODevice;

namespace rqc {

// One connection to Redis over a Qt socket (TCP, TLS or Unix), speaking RESP through hiredis's
// encoder and reader. Asynchronous: it lives on the thread that opens it and never blocks.
// Replies are handed to the callbacks in the order the commands were sent; replies nobody waits
// for (pub/sub pushes) go to the push handler.
class RedisConnection : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const RedisReply&)>;
    using BatchCallback = std::function<void(QList<RedisReply>&)>;
    using PushHandler = std::function<void(RedisReply&)>;

    // role and name become CLIENT SETNAME rqconsole:<role>[:<name>].
    RedisConnection(const ConnectionSettings& settings, const QString& role,
                    const QString& name = QString(), QObject* parent = nullptr);
    ~RedisConnection() override;

    const ConnectionSettings& settings() const { return m_settings; }
    // New settings (e.g. a password the user entered) for the next open().
    void setSettings(const ConnectionSettings& settings) { m_settings = settings; }
    // Starts connecting and the handshake (AUTH, SELECT, CLIENT SETNAME, CLIENT ID).
    // Ends in ready() or failed().
    void open();
    // Drops the connection at once; pending callbacks are not called. No signal is emitted.
    void close();
    bool isReady() const { return m_state == State::Ready; }
    bool isOpen() const { return m_state != State::Closed; }
    // The server's CLIENT ID of this connection (for CLIENT UNBLOCK), 0 before ready.
    qint64 clientId() const { return m_clientId; }
    // Commands sent whose replies have not come back yet (health probes not counted).
    int pendingReplies() const;
    // Where a command sent on this connection is being served: this connection, or the side
    // connection an -ASK sent it on to (a blocking command waits there, and CLIENT UNBLOCK must go
    // there). clientId is 0 while that side connection is not ready yet.
    struct ServedAt {
        ConnectionSettings settings;
        qint64 clientId = 0;
    };
    ServedAt servedAt() const;

    // Sends one command; cb (may be empty) receives its reply.
    void send(const QList<QByteArray>& argv, Callback cb = {});
    // Sends pre-encoded commands (see appendCommand) expecting replyCount replies; cb gets them all
    // at once, in order. For pipelined bursts.
    void sendEncoded(const QByteArray& encoded, int replyCount, BatchCallback cb);
    // Sends a command whose replies arrive as pushes (SUBSCRIBE and friends).
    void sendNoReply(const QList<QByteArray>& argv);
    void setPushHandler(PushHandler handler) { m_pushHandler = std::move(handler); }
    // Caps what the socket buffers ahead of us (0 = no cap, the default); applies from the next
    // open() and to the open socket. Beyond it the server keeps the rest: a reader that falls
    // behind (MONITOR) then shows up in the server's output buffer for this client instead of in
    // our memory.
    void setReadBufferSize(qint64 bytes);
    // Back-pressure for push connections: while paused, nothing more is read or dispatched (a
    // reply already decoded waits too); with a read buffer cap the socket then stops reading and
    // the server keeps the rest. Reading resumes on unpause. open() and a closing socket (whose
    // buffered replies are still delivered) end the pause.
    void setReadPaused(bool paused);
    bool isReadPaused() const { return m_readPaused; }

    // The user-facing text of the last failure (Redis's own error text where there is one).
    QString lastError() const { return m_lastError; }
    // Whether the last failed() came from the server answering the handshake with an error
    // (WRONGPASS, NOAUTH, NOPERM, DB index out of range…) rather than from the network.
    bool refusedByServer() const { return m_refusedByServer; }
    // Whether the last failed() came from TLS refusing the server's certificate.
    bool certificateRejected() const { return m_certificateRejected; }

signals:
    void ready();
    // Could not connect, or the handshake was refused (wrong password, NOPERM…).
    void failed(const QString& error);
    // Was ready, and the connection went away.
    void disconnected(const QString& reason);

private:
    enum class State { Closed, Connecting, Handshake, Ready };
    struct Pending {
        int expected = 1;
        bool probe = false;     // a health PING nobody waits for
        qint64 sentAtMs = 0;    // on m_clock
        qint64 allowanceMs = 0; // a blocking command's own timeout; -1 = blocks for ever
        Callback single;
        BatchCallback batch;
        QList<RedisReply> replies;
        QByteArray encoded; // the command(s) as sent, kept to follow an -ASK
    };
    // An entry answered, waiting for -ASK replies followed on another node (or behind one that is).
    struct Held {
        quint64 seq = 0;
        Pending p;
        QHash<int, QString> asked; // reply index -> address it was sent to with ASKING
    };

    void onConnected();
    void onReadyRead();
    void onSocketError(const QString& text);
    void onSocketClosed();
    // Delivers what is still buffered; false if a callback closed, reopened or deleted us.
    bool readRemaining();
    void fail(const QString& error);
    void dispatch(RedisReply& reply);
    void startHandshake();
    void onConnectTimeout();
    void writeBytes(const QByteArray& bytes);
    // Half-open detection (RedisConnectionHealth.cpp; see ConnectionSettings::healthMs): fails a
    // connection that owes a reply and has received nothing for too long, and PINGs an idle one.
    void checkHealth();
    void sendProbe();
    bool swallowProbeReply(const RedisReply& reply);
    void setKeepAlive();
    // Sentinel (RedisConnectionSentinel.cpp): asks the Sentinels for the master before a
    // connect (true: open() goes on once it is found); a demoted master's READONLY or UNBLOCKED
    // drops the connection so that its owner reconnects to the new master (true: handled).
    bool openThroughSentinels();
    void dropResolver();
    bool followDemotion(const RedisReply& reply);
    void onMasterSwitched(const QString& name, const QString& from, const QString& to);
    // Redis Cluster -ASK (RedisConnectionAsk.cpp): a command answered ASK is sent once more,
    // after ASKING, to the node named (a side connection per node), and its answer takes the
    // place of the ASK; replies keep their order. The slot map is not changed (ASK is one-shot).
    void prepareAsk();
    bool holdForAsk(Pending& done); // true: taken (followed, or waiting behind one that is)
    void deliver(Pending& done);
    void deliverHeld();
    void askNodeDown(const QString& address);
    void closeAsked();
    void closeIdleAsked();
    int heldReplies() const;
    RedisConnection* askConnection(const QString& host, quint16 port);

    ConnectionSettings m_settings;
    QByteArray m_clientName;
    QPointer<QIODevice> m_device;
    RespReader* m_reader = nullptr;
    std::deque<Pending> m_pending;
    PushHandler m_pushHandler;
    State m_state = State::Closed;
    qint64 m_clientId = 0;
    qint64 m_readBufferSize = 0;
    quint64 m_generation = 0; // bumped by open(): tells a stale socket's work from the current one
    bool m_refusedByServer = false;
    bool m_readPaused = false;
    bool m_draining = false; // readRemaining(): pauses are ignored
    bool m_certificateRejected = false;
    QString m_lastError;
    QTimer m_connectTimer;
    QList<QByteArray> m_handshakeSteps; // names of the handshake's commands, for errors
    QElapsedTimer m_clock;
    QTimer m_healthTimer;
    qint64 m_lastProgressMs = 0; // last byte read or written
    // Subscribed or MONITOR: replies come as pushes, a probe's answer (pong) among them.
    bool m_pushMode = false;
    int m_pushProbes = 0;
    qint64 m_pushProbeSentMs = 0;
    QPointer<QObject> m_resolver;
    bool m_masterFound = false; // the next open() connects to the master just found
    bool m_followingSwitches = false;
    bool m_keepForAsk = false; // keep what is sent (a cluster node): an -ASK can be followed
    std::deque<Held> m_held;
    quint64 m_heldSeq = 0;
    QHash<QString, RedisConnection*> m_askConns; // side connections by address
    QHash<QString, qint64> m_askUsedMs; // side connection -> last sent or answered, on m_clock
    QTimer* m_askIdleTimer = nullptr;   // closes side connections idle for a while
    QHash<QString, QList<std::function<void()>>> m_askWaiting; // sends waiting for one to be ready
};

} // namespace rqc
