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
// per processing list, group and consumer. The keyspace walk (SCAN) that finds processing lists
// and heartbeats runs on the first census and then at most once a minute
// (InspectorOptions::rescanMs) — or never again once setKnownLists() hands over a complete
// discovery (the ServerMonitor walks the keyspace anyway, within its own budget).
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
    // The lists the server's discovery found (ServerSnapshot::lists) and whether that was all of
    // them: the processing lists among them are re-read without walking the keyspace again.
    void setKnownLists(const QList<QByteArray>& lists, bool complete);
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
    QList<QByteArray> m_knownLists;
    bool m_knownComplete = false;
    bool m_haveKnown = false;
};

} // namespace rqc
