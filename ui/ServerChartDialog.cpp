#include "ServerChartDialog.h"

#include "HistoryChartView.h"

#include <QAction>
#include <QLabel>
#include <QPointer>
#include <QTimer>
#include <QVBoxLayout>

namespace rqc {

ServerChartDialog::ServerChartDialog(ServerFn server, QWidget* parent)
    : QDialog(parent)
    , m_server(std::move(server))
{
    setObjectName(QStringLiteral("serverChartDialog"));
    setWindowTitle(tr("Server charts"));
    setModal(false);
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("serverChartTitle"));
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    m_ops = new HistoryChartView({ChartSeries::ConnectedClients, ChartSeries::BlockedClients},
                                 {ChartSeries::OpsPerSec}, this);
    m_ops->setObjectName(QStringLiteral("serverOpsChart"));
    m_memory = new HistoryChartView({ChartSeries::UsedMemory}, {}, this);
    m_memory->setObjectName(QStringLiteral("serverMemoryChart"));
    m_memory->setLeftScale(1.0 / (1024.0 * 1024.0), tr("MiB"));
    m_pubsub =
        new HistoryChartView({ChartSeries::PubsubChannels, ChartSeries::PubsubPatterns}, {}, this);
    m_pubsub->setObjectName(QStringLiteral("serverPubsubChart"));
    layout->addWidget(m_ops, 1);
    layout->addWidget(m_memory, 1);
    layout->addWidget(m_pubsub, 1);
    resize(720, 640);
    m_follow = new QTimer(this);
    m_follow->setInterval(1000);
    connect(m_follow, &QTimer::timeout, this, &ServerChartDialog::follow);
}

ServerChartDialog::~ServerChartDialog() { stopSampling(); }

QAction* ServerChartDialog::createAction(QWidget* window, ServerFn server)
{
    auto* action = new QAction(tr("Server &charts…"), window);
    action->setObjectName(QStringLiteral("serverChartsAction"));
    action->setToolTip(tr("Ops/s, memory, clients and pub/sub of the server over the last hour"));
    auto dialog = std::make_shared<QPointer<ServerChartDialog>>();
    QObject::connect(action, &QAction::triggered, window, [window, server, dialog] {
        if (!*dialog)
            *dialog = new ServerChartDialog(server, window);
        (*dialog)->show();
        (*dialog)->raise();
        (*dialog)->activateWindow();
    });
    return action;
}

void ServerChartDialog::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    follow();
    m_follow->start();
}

void ServerChartDialog::hideEvent(QHideEvent* event)
{
    QDialog::hideEvent(event);
    m_follow->stop();
    stopSampling();
}

void ServerChartDialog::follow()
{
    const std::optional<ConnectionSettings> now = m_server ? m_server() : std::nullopt;
    if (m_watchId && now && m_settings && *now == *m_settings)
        return;
    if (m_settings && (!now || *now != *m_settings))
        m_history.clear(); // another server: its own hour
    stopSampling();
    m_settings = now;
    if (!now) {
        m_title->setText(tr("Not connected to a server."));
        return;
    }
    m_title->setText(tr("%1 — one sample a second (INFO stats, memory, clients); ops/s counts "
                        "these few commands too.")
                         .arg(now->displayUrl()));
    m_sampler = ChartSampler::shared(*now);
    connect(m_sampler.get(), &ChartSampler::sampled, this,
            [this](qint64 tMs, const QHash<int, ChartSample>& samples) {
                const auto it = samples.constFind(m_watchId);
                if (it == samples.cend())
                    return;
                m_history.add(tMs, it.value());
                render();
            });
    connect(m_sampler.get(), &ChartSampler::connectionDropped, this, [this](qint64 tMs) {
        m_history.markDropped(tMs);
        render();
    });
    connect(m_sampler.get(), &ChartSampler::connectionRestored, this, [this](qint64 tMs) {
        m_history.markRestored(tMs);
        render();
    });
    SampleTarget target;
    target.kind = SampleTarget::Kind::Server;
    m_watchId = m_sampler->watch(target);
}

void ServerChartDialog::stopSampling()
{
    if (!m_sampler)
        return;
    disconnect(m_sampler.get(), nullptr, this, nullptr);
    m_sampler->unwatch(m_watchId);
    m_watchId = 0;
    m_sampler.reset();
    m_history.gap();
}

void ServerChartDialog::render()
{
    m_ops->render(m_history);
    m_memory->render(m_history);
    m_pubsub->render(m_history);
}

} // namespace rqc
