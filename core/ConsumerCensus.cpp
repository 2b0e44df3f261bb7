#include "ConsumerCensus.h"

namespace rqc {

ConsumerCensus::ConsumerCensus(const ConnectionSettings& settings, const QByteArray& key,
                               QObject* parent)
    : QObject(parent)
    , m_key(key)
    , m_own(std::make_unique<CensusService>(settings))
    , m_service(m_own.get())
{
    attach();
}

ConsumerCensus::ConsumerCensus(CensusService* service, const QByteArray& key, QObject* parent)
    : QObject(parent)
    , m_key(key)
    , m_service(service)
{
    attach();
}

ConsumerCensus::~ConsumerCensus() = default;

void ConsumerCensus::attach()
{
    if (!m_service)
        return;
    // The service answers every key it serves: this handle keeps its own.
    connect(m_service, &CensusService::censusReady, this, [this](const QueueSnapshot& census) {
        if (census.key != m_key)
            return;
        m_inFlight = false;
        m_last = census;
        m_hasResult = true;
        emit updated(census);
    });
    connect(m_service, &CensusService::errorOccurred, this, [this](const QString& error) {
        m_inFlight = false;
        emit errorOccurred(error);
    });
}

void ConsumerCensus::start()
{
    // The first census follows as soon as the service is connected.
    m_inFlight = true;
    if (m_service)
        m_service->request(m_key);
}

void ConsumerCensus::setKnownLists(const QList<QByteArray>& lists, bool complete)
{
    if (m_service) // queued before any request: the first census uses it
        m_service->setKnownLists(m_key, lists, complete);
}

void ConsumerCensus::refresh()
{
    if (m_inFlight || !m_service)
        return;
    m_inFlight = true;
    m_service->request(m_key);
}

} // namespace rqc
