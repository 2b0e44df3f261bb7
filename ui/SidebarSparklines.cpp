#include "SidebarSparklines.h"

#include "ServerTreeModel.h"

#include <QAction>
#include <QEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QTimer>
#include <QTreeView>

namespace rqc {

SidebarSparklines::SidebarSparklines(QTreeView* view)
    : QObject(view)
    , m_view(view)
{
    m_action = new QAction(tr("Depth &sparklines in the sidebar"), this);
    m_action->setObjectName(QStringLiteral("sparklinesAction"));
    m_action->setCheckable(true);
    m_action->setChecked(false);
    m_action->setToolTip(tr("Sample the depth of the lists and streams on screen (at most %1) "
                            "once a second")
                             .arg(kMaxRows));
    connect(m_action, &QAction::toggled, this, [this](bool on) {
        if (on)
            schedule();
        else
            stopAll();
        m_view->viewport()->update();
    });
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &SidebarSparklines::update);
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &SidebarSparklines::schedule);
    connect(view, &QTreeView::expanded, this, &SidebarSparklines::schedule);
    connect(view, &QTreeView::collapsed, this, &SidebarSparklines::schedule);
    QAbstractItemModel* model = view->model();
    connect(model, &QAbstractItemModel::rowsInserted, this, &SidebarSparklines::schedule);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &SidebarSparklines::schedule);
    connect(model, &QAbstractItemModel::modelReset, this, &SidebarSparklines::schedule);
    view->installEventFilter(this);
    view->setItemDelegateForColumn(ServerTreeModel::NameColumn, new SparklineDelegate(this, view));
}

SidebarSparklines::~SidebarSparklines() { stopAll(); }

bool SidebarSparklines::isEnabled() const { return m_action->isChecked(); }

void SidebarSparklines::setServer(const ConnectionSettings& settings)
{
    if (m_haveSettings && settings == m_settings)
        return;
    stopAll();
    m_settings = settings;
    m_haveSettings = true;
    schedule();
}

bool SidebarSparklines::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view) {
        if (event->type() == QEvent::Hide)
            stopAll();
        else if (event->type() == QEvent::Show || event->type() == QEvent::Resize)
            schedule();
    }
    return QObject::eventFilter(watched, event);
}

void SidebarSparklines::schedule()
{
    if (isEnabled())
        m_debounce->start();
}

QString SidebarSparklines::keyOf(const QModelIndex& nameIndex)
{
    const auto kind = ServerTreeModel::Kind(nameIndex.data(ServerTreeModel::KindRole).toInt());
    const QString name = QString::fromLatin1(
        nameIndex.data(ServerTreeModel::NameRole).toByteArray().toPercentEncoding());
    if (kind == ServerTreeModel::Kind::List)
        return QStringLiteral("l:") + name;
    if (kind == ServerTreeModel::Kind::Stream)
        return QStringLiteral("s:") + name;
    return QString();
}

void SidebarSparklines::update()
{
    if (!isEnabled() || !m_haveSettings || !m_view->isVisible()) {
        stopAll();
        return;
    }
    // The rows on screen, top to bottom, at most kMaxRows lists and streams.
    QHash<QString, SampleTarget> wanted;
    const int bottom = m_view->viewport()->height();
    for (QModelIndex i = m_view->indexAt(QPoint(1, 1)); i.isValid() && wanted.size() < kMaxRows;
         i = m_view->indexBelow(i)) {
        if (m_view->visualRect(i).top() > bottom)
            break;
        const QModelIndex nameIndex = i.siblingAtColumn(ServerTreeModel::NameColumn);
        const QString key = keyOf(nameIndex);
        if (key.isEmpty())
            continue;
        SampleTarget t;
        t.kind = key.startsWith(QLatin1Char('s')) ? SampleTarget::Kind::Stream
                                                  : SampleTarget::Kind::List;
        t.key = nameIndex.data(ServerTreeModel::NameRole).toByteArray();
        wanted.insert(key, t);
    }
    for (auto it = m_rows.begin(); it != m_rows.end();) {
        if (!wanted.contains(it.key())) {
            m_sampler->unwatch(it->watchId);
            m_byId.remove(it->watchId);
            it = m_rows.erase(it);
        } else {
            ++it;
        }
    }
    if (wanted.isEmpty()) {
        stopAll();
        return;
    }
    if (!m_sampler) {
        m_sampler = ChartSampler::shared(m_settings);
        connect(m_sampler.get(), &ChartSampler::sampled, this,
                [this](qint64 tMs, const QHash<int, ChartSample>& samples) {
                    bool any = false;
                    for (auto it = samples.begin(); it != samples.end(); ++it) {
                        const QString key = m_byId.value(it.key());
                        if (key.isEmpty() || it->depth < 0)
                            continue;
                        m_rows[key].points.append(tMs, double(it->depth));
                        any = true;
                    }
                    if (any)
                        m_view->viewport()->update();
                });
    }
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        if (m_rows.contains(it.key()))
            continue;
        Row& row = m_rows[it.key()];
        row.watchId = m_sampler->watch(it.value());
        m_byId.insert(row.watchId, it.key());
    }
}

void SidebarSparklines::stopAll()
{
    m_debounce->stop();
    if (m_sampler) {
        disconnect(m_sampler.get(), nullptr, this, nullptr);
        for (const Row& row : std::as_const(m_rows))
            m_sampler->unwatch(row.watchId);
    }
    m_rows.clear();
    m_byId.clear();
    m_sampler.reset();
}

QStringList SidebarSparklines::watchedKeys() const
{
    QStringList keys = m_rows.keys();
    keys.sort();
    return keys;
}

const SeriesRing* SidebarSparklines::pointsFor(const QModelIndex& nameIndex) const
{
    const auto it = m_rows.constFind(keyOf(nameIndex));
    return it == m_rows.cend() ? nullptr : &it->points;
}

SparklineDelegate::SparklineDelegate(SidebarSparklines* lines, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_lines(lines)
{
}

void SparklineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const
{
    const SeriesRing* points = m_lines->isEnabled() ? m_lines->pointsFor(index) : nullptr;
    if (!points || option.rect.width() < 3 * kWidth) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem text = option;
    text.rect.setRight(option.rect.right() - kWidth - 4);
    QStyledItemDelegate::paint(painter, text, index);
    if (points->size() < 2)
        return;
    const QRectF area(option.rect.right() - kWidth, option.rect.top() + 3, kWidth - 2,
                      option.rect.height() - 6);
    double lo = points->at(0).value, hi = lo;
    for (int i = 1; i < points->size(); ++i) {
        lo = qMin(lo, points->at(i).value);
        hi = qMax(hi, points->at(i).value);
    }
    const double span = hi > lo ? hi - lo : 1.0;
    QPainterPath path;
    const int n = points->size();
    for (int i = 0; i < n; ++i) {
        const QPointF p(area.left() +
                            area.width() * double(i) / double(SidebarSparklines::kPoints - 1) +
                            area.width() * double(SidebarSparklines::kPoints - n) /
                                double(SidebarSparklines::kPoints - 1),
                        area.bottom() - area.height() * (points->at(i).value - lo) / span);
        if (i == 0)
            path.moveTo(p);
        else
            path.lineTo(p);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(option.palette.color(QPalette::Highlight), 1.2));
    painter->drawPath(path);
    painter->restore();
}

} // namespace rqc
