#pragma once

#include "ChartHistory.h"
#include "ChartSampler.h"
#include "ConnectionSettings.h"

#include <QHash>
#include <QObject>
#include <QStyledItemDelegate>

#include <memory>

class QAction;
class QTimer;
class QTreeView;

namespace rqc {

// Depth sparklines beside the lists and streams of the sidebar. Only rows on screen are
// sampled, at most kMaxRows of them, through the server's shared ChartSampler (one round trip a
// second with everything else); a row scrolled away, collapsed or gone is unwatched and its
// points dropped. Off until its action (View ▸ Depth sparklines in the sidebar) is checked.
class SidebarSparklines : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRows = 50;
    static constexpr int kPoints = 120; // two minutes at one a second

    explicit SidebarSparklines(QTreeView* view);
    ~SidebarSparklines() override;

    QAction* action() const { return m_action; }
    void setServer(const ConnectionSettings& settings);
    bool isEnabled() const;
    // Keys watched now ("l:" or "s:" + name), for tests.
    QStringList watchedKeys() const;
    // The points kept for a row (null when it is not sampled).
    const SeriesRing* pointsFor(const QModelIndex& nameIndex) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Row {
        int watchId = 0;
        SeriesRing points{kPoints};
    };
    void schedule();
    void update();
    void stopAll();
    static QString keyOf(const QModelIndex& nameIndex);

    QTreeView* m_view;
    QAction* m_action = nullptr;
    QTimer* m_debounce = nullptr;
    ConnectionSettings m_settings;
    bool m_haveSettings = false;
    std::shared_ptr<ChartSampler> m_sampler;
    QHash<QString, Row> m_rows;
    QHash<int, QString> m_byId;
};

// Paints a row's sparkline at the right end of its name cell.
class SparklineDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    SparklineDelegate(SidebarSparklines* lines, QObject* parent);
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    static constexpr int kWidth = 44;

private:
    SidebarSparklines* m_lines;
};

} // namespace rqc
