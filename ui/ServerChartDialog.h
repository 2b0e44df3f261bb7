#pragma once

#include "ChartHistory.h"
#include "ChartSampler.h"
#include "ConnectionSettings.h"

#include <QDialog>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QLabel;
class QTimer;

namespace rqc {

class HistoryChartView;

// The server view: ops/s, memory, connected and blocked clients, pub/sub channels and patterns
// (INFO stats, memory, clients) over the last hour, charted as the panes are. It samples through
// the server's shared ChartSampler only while it is shown.
class ServerChartDialog : public QDialog {
    Q_OBJECT
public:
    using ServerFn = std::function<std::optional<ConnectionSettings>()>;
    ServerChartDialog(ServerFn server, QWidget* parent = nullptr);
    ~ServerChartDialog() override;

    // View ▸ Server charts…: opens (or raises) the window's one server view.
    static QAction* createAction(QWidget* window, ServerFn server);

    const ChartHistory& history() const { return m_history; }
    bool isSampling() const { return m_watchId != 0; }
    HistoryChartView* opsView() const { return m_ops; }
    HistoryChartView* memoryView() const { return m_memory; }
    HistoryChartView* pubsubView() const { return m_pubsub; }

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void follow(); // starts, or restarts for another server
    void stopSampling();
    void render();

    ServerFn m_server;
    std::optional<ConnectionSettings> m_settings;
    std::shared_ptr<ChartSampler> m_sampler;
    int m_watchId = 0;
    ChartHistory m_history;
    QLabel* m_title = nullptr;
    HistoryChartView* m_ops = nullptr;
    HistoryChartView* m_memory = nullptr;
    HistoryChartView* m_pubsub = nullptr;
    QTimer* m_follow = nullptr;
};

} // namespace rqc
