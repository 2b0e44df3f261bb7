#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"

#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QString>

class QTimer;

namespace rqc {

class RedisConnection;

// What Redis holds for one subscriber connection and has not sent yet (CLIENT LIST → omem), next
// to the pubsub class of client-output-buffer-limit that disconnects it.
struct OutputBufferReport {
    qint64 clientId = 0;
    qint64 omem = -1;     // bytes; -1 while unknown (see unknownReason)
    qint64 hardLimit = 0; // bytes; 0 = none
    qint64 softLimit = 0; // bytes; 0 = none
    int softSeconds = 0;  // the soft limit disconnects after this long above it
    bool limitKnown = false;
    qint64 atMs = 0;       // wall clock of the reading
    QString unknownReason; // why omem or the limit is unknown (NOPERM, old Redis…)
    bool gone = false;     // the server no longer has a client with this id

    // The smallest amount at which Redis may disconnect the subscriber (0: no limit, or unknown).
    qint64 disconnectBytes() const;
    // omem has reached half of disconnectBytes(): warn before Redis disconnects.
    bool warning() const;
    // "32 MiB, or 8 MiB for 60 s"
    QString limitText() const;
};

// Reads a subscriber's output buffer through a connection of its own (a subscribed connection
// cannot ask, and no pane waits behind a slow answer), at most once a second: CLIENT LIST ID <id>
// per reading. The limit (CONFIG GET client-output-buffer-limit) changes rarely: it is read with
// the first reading, again once every kLimitIntervalMs and after every reconnect, and carried into
// the readings in between. Lives on the thread of the worker that owns it. Lazily connected on the
// first watch(); closed by watch(0).
class OutputBufferWatch : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 1000;
    static constexpr int kLimitIntervalMs = 60000;

    OutputBufferWatch(const ConnectionSettings& settings, const QString& name,
                      QObject* parent = nullptr);
    ~OutputBufferWatch() override;

    // Watches the connection with this CLIENT ID (0: stop watching, keep the last report).
    void watch(qint64 clientId);
    const OutputBufferReport& last() const { return m_last; }
    // Whether the watch connection can reach the server right now.
    bool serverAnswers() const;
    // Asks the server something trivial now; probed(true) when it answers, probed(false) when not.
    void probe();

    static QString formatBytes(qint64 bytes);

signals:
    void reported(const rqc::OutputBufferReport& report);
    void probed(bool alive);

private:
    void tick();
    void onReplies(qint64 clientId, const QList<RedisReply>& replies);

    ConnectionSettings m_settings;
    QString m_name;
    RedisConnection* m_conn = nullptr;
    QTimer* m_timer = nullptr;
    qint64 m_clientId = 0;
    bool m_inFlight = false;
    OutputBufferReport m_last;
    // The limit as last read (hardLimit, softLimit, softSeconds, limitKnown, unknownReason), and
    // when, on m_clock (-1: read it with the next reading).
    OutputBufferReport m_limit;
    QElapsedTimer m_clock;
    qint64 m_limitReadMs = -1;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::OutputBufferReport)
