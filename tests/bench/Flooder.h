#pragma once

#include "ConnectionSettings.h"

#include <QByteArray>
#include <QObject>

namespace rqc {
class RedisConnection;
}

namespace rqc::bench {

// Publishes N sequence-numbered payloads to a channel as fast as one pipelined connection can
// (chunks of commands, a few chunks in flight), from whatever thread it lives on. Used to load a
// subscriber in pubsub-receive; it is not the product's Publisher (whose bursts repeat a payload).
class Flooder : public QObject {
    Q_OBJECT
public:
    Flooder(const ConnectionSettings& settings, const QByteArray& channel, quint64 count, int size,
            QObject* parent = nullptr);

    // Invoked on the flooder's thread.
    void open();
    void go();

signals:
    void ready();
    // receivers: the sum of PUBLISH replies (N x subscribers when nobody was dropped).
    void finished(quint64 sent, qint64 receivers, const QString& error);

private:
    void pump();

    ConnectionSettings m_settings;
    QByteArray m_channel;
    quint64 m_count;
    int m_size;
    int m_chunk = 1024;
    int m_window = 4;
    RedisConnection* m_conn = nullptr;
    quint64 m_next = 0;
    quint64 m_answered = 0;
    qint64 m_receivers = 0;
    int m_inFlight = 0;
    bool m_done = false;
};

} // namespace rqc::bench
