#pragma once

#include "ConnectionSettings.h"
#include "QueueInspector.h"

#include <QByteArray>
#include <QObject>

#include <memory>

namespace rqc {

// Who consumes one key, asked of the server without taking anything: the clients blocked in
// list pops (CLIENT LIST, server-wide: Redis does not say which key a client waits on), the
// reliable consumers' processing lists with their heartbeats, and a stream's groups with their
// consumers, pending counts, idle times and lag. A QueueInspector in census mode (its own
// connection on its own thread) does the reading; this keeps at most one census in flight and
// samples nothing but the heads. Cost per census: CLIENT LIST (O(clients)) and a few O(1) reads
// per processing list, group and consumer; the keyspace walk (SCAN) that finds processing lists
// and heartbeats runs at most once a minute (InspectorOptions::rescanMs).
class ConsumerCensus : public QObject {
    Q_OBJECT
public:
    ConsumerCensus(const ConnectionSettings& settings, const QByteArray& key,
                   QObject* parent = nullptr);
    ~ConsumerCensus() override;

    const QByteArray& key() const { return m_key; }
    // Starts the inspector; the first census follows as soon as it is connected.
    void start();
    // Asks for a fresh census unless one is in flight (then that one's answer serves).
    void refresh();
    bool inFlight() const { return m_inFlight; }
    bool hasResult() const { return m_hasResult; }
    const QueueSnapshot& last() const { return m_last; }

signals:
    void updated(const rqc::QueueSnapshot& census);
    // The connection failed or broke (it is retried); Redis's or the socket's own text.
    void errorOccurred(const QString& error);

private:
    QByteArray m_key;
    std::unique_ptr<QueueInspector> m_inspector;
    QueueSnapshot m_last;
    bool m_hasResult = false;
    bool m_inFlight = false;
};

} // namespace rqc
