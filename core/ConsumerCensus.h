#pragma once

#include "CensusService.h"
#include "ConnectionSettings.h"
#include "QueueInspector.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>

#include <memory>

namespace rqc {

// Who consumes one key, asked of the server without taking anything: the clients blocked in
// list pops (CLIENT LIST, server-wide: Redis does not say which key a client waits on), the
// reliable consumers' processing lists with their heartbeats, and a stream's groups with their
// consumers, pending counts, idle times and lag. A light handle on a CensusService: the server's
// shared one (ConsoleSession::census(), one connection and one thread for every key), or a
// private one when constructed from settings alone (a pane used on its own). This keeps at most
// one request of its own in flight and samples nothing but the heads. Cost per census: a share of
// one CLIENT LIST (O(clients), read once per round for every key asked) and a few O(1) reads per
// processing list, group and consumer. The keyspace walk (SCAN) that finds processing lists and
// heartbeats runs on a key's first census and then at most once a minute per key and server
// (InspectorOptions::rescanMs) — or never again once setKnownLists() hands over a complete
// discovery (the ServerMonitor walks the keyspace anyway, within its own budget).
class ConsumerCensus : public QObject {
    Q_OBJECT
public:
    // Through a private CensusService (its own connection and thread).
    ConsumerCensus(const ConnectionSettings& settings, const QByteArray& key,
                   QObject* parent = nullptr);
    // Through the server's shared service, which must outlive the requests (a service gone
    // answers nothing).
    ConsumerCensus(CensusService* service, const QByteArray& key, QObject* parent = nullptr);
    ~ConsumerCensus() override;

    const QByteArray& key() const { return m_key; }
    // Asks for the first census (a private service connects first).
    void start();
    // Asks for a fresh census unless one is in flight (then that one's answer serves).
    void refresh();
    // The lists the server's discovery found (ServerSnapshot::lists) and whether that was all of
    // them: the processing lists among them are re-read without walking the keyspace again.
    void setKnownLists(const QList<QByteArray>& lists, bool complete);
    bool inFlight() const { return m_inFlight; }
    bool hasResult() const { return m_hasResult; }
    const QueueSnapshot& last() const { return m_last; }
    CensusService* service() const { return m_service; }
    bool sharesService() const { return !m_own; }

signals:
    void updated(const rqc::QueueSnapshot& census);
    // The connection failed or broke (it is retried); Redis's or the socket's own text.
    void errorOccurred(const QString& error);

private:
    void attach();

    QByteArray m_key;
    std::unique_ptr<CensusService> m_own;
    QPointer<CensusService> m_service;
    QueueSnapshot m_last;
    bool m_hasResult = false;
    bool m_inFlight = false;
};

} // namespace rqc
