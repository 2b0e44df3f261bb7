#include "ReadingAids.h"

#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "PayloadView.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>

namespace rqc {

ReadingAids::ReadingAids(MessageModel* model, MessageFilterProxy* proxy, PayloadView* payloadView,
                         QTableView* view, QLineEdit* filterEdit, QWidget* toolParent)
    : QObject(toolParent)
    , m_model(model)
    , m_proxy(proxy)
    , m_payloadView(payloadView)
    , m_view(view)
    , m_filterEdit(filterEdit)
{
    setObjectName(QStringLiteral("readingAids"));
    m_combo = new QComboBox(toolParent);
    m_combo->setObjectName(QStringLiteral("decoderCombo"));
    for (const PayloadDecoder::Kind kind : PayloadDecoder::choices())
        m_combo->addItem(PayloadDecoder::displayName(kind), PayloadDecoder::key(kind));
    m_combo->setToolTip(
        tr("How payloads are read in the list, the payload view and the filter: Auto recognises "
           "JSON, MessagePack, gzip/zlib/zstd, base64, protobuf and pickles by their bytes; a "
           "fixed decoder says where and why a payload does not decode"));
    // As wide as a short decoder name, not the longest ("Pickle (disassembled)"): in a narrow
    // pane the filter beside it keeps room to show what it filters by. The list shows every name
    // whole.
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_combo->setMinimumContentsLength(12);
    m_combo->view()->setMinimumWidth(m_combo->view()->sizeHintForColumn(0) + 24);
    connect(m_combo, &QComboBox::currentIndexChanged, this, &ReadingAids::apply);
    if (m_view)
        connect(m_view, &QAbstractItemView::doubleClicked, this, &ReadingAids::onDoubleClicked);

    m_tools = new QWidget(toolParent);
    m_tools->setObjectName(QStringLiteral("readingTools"));
    auto* layout = new QHBoxLayout(m_tools);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_combo);
    m_newestButton = new QToolButton(m_tools);
    m_newestButton->setObjectName(QStringLiteral("newestFirstButton"));
    m_newestButton->setText(tr("Newest first"));
    m_newestButton->setCheckable(true);
    m_newestButton->setToolTip(
        tr("Show the newest message at the top of the list (new rows come in above). Scrolled "
           "down, the rows you read stay in sight while more arrive."));
    layout->addWidget(m_newestButton);
    m_wrapButton = new QToolButton(m_tools);
    m_wrapButton->setObjectName(QStringLiteral("wrapButton"));
    m_wrapButton->setText(tr("Wrap"));
    m_wrapButton->setCheckable(true);
    m_wrapButton->setToolTip(tr("Wrap long previews onto up to %n lines instead of cutting them "
                                "at one line",
                                nullptr, kWrapLines));
    layout->addWidget(m_wrapButton);
    connect(m_newestButton, &QToolButton::toggled, m_proxy, &MessageFilterProxy::setNewestFirst);
    connect(m_wrapButton, &QToolButton::toggled, this, &ReadingAids::applyWrap);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ReadingAids::onRowsInserted);
    if (m_view)
        m_oneLineHeight = m_view->verticalHeader()->defaultSectionSize();
    apply();
}

bool ReadingAids::newestFirst() const { return m_newestButton->isChecked(); }

void ReadingAids::setNewestFirst(bool on) { m_newestButton->setChecked(on); }

bool ReadingAids::wrapping() const { return m_wrapButton->isChecked(); }

void ReadingAids::setWrapping(bool on) { m_wrapButton->setChecked(on); }

void ReadingAids::applyWrap()
{
    const bool on = wrapping();
    m_model->setPreviewChars(on ? MessageModel::DefaultPreviewChars * kWrapLines * 2
                                : MessageModel::DefaultPreviewChars);
    if (!m_view)
        return;
    m_view->setWordWrap(on);
    const int lines = m_view->fontMetrics().lineSpacing() * kWrapLines;
    m_view->verticalHeader()->setDefaultSectionSize(on ? qMax(m_oneLineHeight, lines + 6)
                                                       : m_oneLineHeight);
}

void ReadingAids::onRowsInserted(const QModelIndex& parent, int first, int last)
{
    // Newest first, scrolled down to read: rows coming in above would push what is read out of
    // sight; scroll by as much as they take, so the same rows stay where they were.
    if (!m_view || parent.isValid() || first != 0 || !m_proxy->newestFirst())
        return;
    QScrollBar* bar = m_view->verticalScrollBar();
    if (bar->value() <= 0)
        return; // at the top: the newest rows are what one follows
    const int rows = last - first + 1;
    const int step = m_view->verticalScrollMode() == QAbstractItemView::ScrollPerItem
                         ? rows
                         : rows * m_view->verticalHeader()->defaultSectionSize();
    const int target = bar->value() + step;
    // The view updates the range later (a delayed layout); it grows by the same amount.
    if (bar->maximum() < target)
        bar->setMaximum(target);
    bar->setValue(target);
}

ConsumerSpec ReadingAids::takeViewOptions(const ConsumerSpec& spec)
{
    ConsumerSpec rest = spec;
    const QString decoderKey = rest.options.take(QStringLiteral("decoder"));
    const QString order = rest.options.take(QStringLiteral("order"));
    const QString wrap = rest.options.take(QStringLiteral("wrap"));
    if (!decoderKey.isEmpty())
        setDecoder(PayloadDecoder::fromKey(decoderKey));
    if (!order.isEmpty())
        setNewestFirst(order == QLatin1String("newest"));
    if (!wrap.isEmpty())
        setWrapping(wrap == QLatin1String("1"));
    return rest;
}

ConsumerSpec ReadingAids::withViewOptions(const ConsumerSpec& spec) const
{
    ConsumerSpec saved = spec;
    if (decoder() != PayloadDecoder::Kind::Auto)
        saved.options.insert(QStringLiteral("decoder"), PayloadDecoder::key(decoder()));
    if (newestFirst())
        saved.options.insert(QStringLiteral("order"), QStringLiteral("newest"));
    if (wrapping())
        saved.options.insert(QStringLiteral("wrap"), QStringLiteral("1"));
    return saved;
}

ConsumerSpec ReadingAids::savedSpec(const QObject* pane, const ConsumerSpec& spec)
{
    const auto* aids = pane->findChild<ReadingAids*>(QStringLiteral("readingAids"));
    return aids ? aids->withViewOptions(spec) : spec;
}

PayloadDecoder::Kind ReadingAids::decoder() const
{
    return PayloadDecoder::fromKey(m_combo->currentData().toString());
}

void ReadingAids::setDecoder(PayloadDecoder::Kind kind)
{
    const int index = m_combo->findData(PayloadDecoder::key(kind));
    if (index >= 0)
        m_combo->setCurrentIndex(index);
}

void ReadingAids::apply()
{
    const PayloadDecoder::Kind kind = decoder();
    m_model->setDecoder(kind);
    m_proxy->setDecoder(kind);
    if (m_payloadView)
        m_payloadView->setDecoder(kind);
}

void ReadingAids::onDoubleClicked(const QModelIndex& index)
{
    if (!m_filterEdit || !index.isValid() ||
        (index.column() != MessageModel::SourceColumn &&
         index.column() != MessageModel::FlowColumn))
        return;
    const QModelIndex source = m_proxy->mapToSource(index);
    if (!source.isValid())
        return;
    const QString key = colourKey(m_model->messageAt(source.row()));
    if (!key.isEmpty())
        m_filterEdit->setText(key);
}

QString ReadingAids::colourKey(const Message& m)
{
    if (m.observed) {
        const QByteArray& producer = m.observed->producer;
        const qsizetype paren = producer.indexOf(" (");
        return QString::fromUtf8(paren > 0 ? producer.left(paren) : producer);
    }
    if (!m.pattern.isEmpty())
        return QString::fromUtf8(m.source);
    return QString();
}

QColor ReadingAids::colourFor(const QString& key)
{
    // A stable hash (qHash is seeded per process): the same channel keeps its colour.
    const QByteArray digest = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Md5);
    const quint32 v = quint32(uchar(digest[0])) << 24 | quint32(uchar(digest[1])) << 16 |
                      quint32(uchar(digest[2])) << 8 | uchar(digest[3]);
    // Hue from the hash, and one of three lightnesses so that near hues still differ.
    return QColor::fromHsl(int(v % 360), 170, 200 + 15 * int((v / 360) % 3));
}

QString ReadingAids::decodedPreview(const QByteArray& payload, PayloadDecoder::Kind kind,
                                    int maxChars)
{
    PayloadDecoder::Options o;
    o.compact = true;
    o.maxChars = maxChars;
    const PayloadDecoder::Result r = PayloadDecoder::decode(payload, kind, o);
    if (r.text.size() > maxChars) // an escape or a bracket past the budget
        return r.text.left(maxChars) + QChar(0x2026);
    return r.text;
}

QString ReadingAids::decodedToolTip(const QByteArray& payload, PayloadDecoder::Kind kind)
{
    constexpr int kChars = 2048, kLines = 25, kLineChars = 200;
    PayloadDecoder::Options o;
    o.maxChars = kChars;
    o.maxOutput = 1 << 20;
    const PayloadDecoder::Result r = PayloadDecoder::decode(payload, kind, o);
    if (r.ok && (r.kind == PayloadDecoder::Kind::Text || r.kind == PayloadDecoder::Kind::Raw) &&
        r.layers.isEmpty())
        return QString();
    QStringList lines = r.text.split(QLatin1Char('\n')).mid(0, kLines);
    for (QString& line : lines) {
        if (line.size() > kLineChars)
            line = line.left(kLineChars) + QChar(0x2026);
    }
    QString head = PayloadDecoder::displayName(r.kind);
    if (!r.note.isEmpty())
        head = r.note + QStringLiteral(" \u2192 ") + head;
    return QStringLiteral("<b>") + head.toHtmlEscaped() + QStringLiteral("</b><pre>") +
           lines.join(QLatin1Char('\n')).toHtmlEscaped() + QStringLiteral("</pre>");
}

} // namespace rqc
