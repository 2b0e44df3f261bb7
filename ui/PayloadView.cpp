#include "PayloadView.h"

#include "MessageRowFormat.h"
#include "PayloadFormat.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QVBoxLayout>

namespace rqc {

namespace {

QPlainTextEdit* makeEditor(const QString& objectName, QPlainTextEdit::LineWrapMode wrap,
                           QWidget* parent)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setUndoRedoEnabled(false);
    edit->setLineWrapMode(wrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

} // namespace

PayloadView::PayloadView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("payloadView"));

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("payloadHeader"));
    m_header->setTextFormat(Qt::PlainText); // a channel called "<b>" is shown, not rendered
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("payloadTabs"));
    m_tabs->setDocumentMode(true);
    m_text = makeEditor(QStringLiteral("payloadText"), QPlainTextEdit::WidgetWidth, m_tabs);
    m_json = makeEditor(QStringLiteral("payloadJson"), QPlainTextEdit::NoWrap, m_tabs);
    m_hex = makeEditor(QStringLiteral("payloadHex"), QPlainTextEdit::NoWrap, m_tabs);
    m_decoded = makeEditor(QStringLiteral("payloadDecoded"), QPlainTextEdit::NoWrap, m_tabs);
    m_tabs->insertTab(TextTab, m_text, tr("Text"));
    m_tabs->insertTab(JsonTab, m_json, tr("JSON"));
    m_tabs->insertTab(HexTab, m_hex, tr("Hex"));
    m_tabs->insertTab(DecodedTab, m_decoded, tr("Decoded"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_header);
    layout->addWidget(m_tabs, 1);

    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_hasMessage)
            fillTab(index);
    });

    clear();
}

void PayloadView::showMessage(const Message& m)
{
    m_message = m;
    m_hasMessage = true;
    m_filled[TextTab] = m_filled[JsonTab] = m_filled[HexTab] = m_filled[DecodedTab] = false;

    // The payload as the pane's decoder reads it (bounded: decompression stops at 64 MiB).
    PayloadDecoder::Options options;
    options.maxChars = MaxTextBytes;
    m_decodedResult = PayloadDecoder::decode(m.payload, m_decoder, options);
    using K = PayloadDecoder::Kind;
    const bool decodedMore = !m_decodedResult.layers.isEmpty() ||
                             (m_decodedResult.kind != K::Text && m_decodedResult.kind != K::Raw &&
                              m_decodedResult.kind != K::Json);
    const bool showDecoded =
        m_decoder == K::Auto ? decodedMore : m_decoder != K::Text || !m_decodedResult.ok;
    QString title = tr("Decoded");
    if (m_decodedResult.ok && (decodedMore || m_decoder != K::Auto)) {
        QStringList chain = m_decodedResult.layers;
        chain << PayloadDecoder::displayName(m_decodedResult.kind);
        title = chain.join(QStringLiteral(" \u2192 "));
    } else if (!m_decodedResult.ok) {
        title = tr("Decoded (failed)");
    }
    m_tabs->setTabText(DecodedTab, title);
    m_tabs->setTabToolTip(DecodedTab, m_decodedResult.ok
                                          ? m_decodedResult.note
                                          : PayloadDecoder::errorLine(m_decodedResult));

    m_jsonText.clear();
    m_jsonOk =
        m.payload.size() <= MaxJsonBytes && PayloadFormat::prettyJson(m.payload, &m_jsonText);
    m_header->setText(headerText());
    m_header->setToolTip(m_header->text());

    int target = m_tabs->currentIndex();
    if (target == DecodedTab)
        target = TextTab; // only while the decoder finds more than text
    if (showDecoded)
        target = DecodedTab;
    else if (m_jsonOk && PayloadFormat::looksLikeJsonContainer(m.payload))
        target = JsonTab;
    else if (!m_jsonOk && target == JsonTab)
        target = PayloadFormat::isText(m.payload.left(MaxTextBytes)) ? TextTab : HexTab;

    const QString empty = tr("(empty payload)");
    for (QPlainTextEdit* edit : {m_text, m_json, m_hex, m_decoded}) {
        edit->clear();
        edit->setPlaceholderText(empty);
    }
    m_json->setPlaceholderText(QString());
    if (MessageRowFormat::showsFields(m)) // a stream entry without the pane's payload field
        m_text->setPlaceholderText(tr("No payload field in this entry; its fields:") +
                                   QLatin1Char('\n') + MessageRowFormat::fieldsText(m));
    if (m.payload.size() <= EagerBytes) {
        for (int tab : {TextTab, JsonTab, HexTab, DecodedTab})
            fillTab(tab);
    } else {
        fillTab(target); // the others when first shown
    }

    // Enable before switching to JSON, switch away before disabling it: disabling the current
    // tab would make QTabBar pick a neighbour by itself.
    if (m_jsonOk)
        m_tabs->setTabEnabled(JsonTab, true);
    m_tabs->setCurrentIndex(target);
    if (!m_jsonOk)
        m_tabs->setTabEnabled(JsonTab, false);
    m_tabs->setTabToolTip(JsonTab, m_jsonOk ? QString()
                                   : m.payload.size() > MaxJsonBytes
                                       ? tr("Too large to parse as JSON")
                                       : tr("The payload is not valid JSON"));
}

void PayloadView::clear()
{
    m_message = Message();
    m_hasMessage = false;
    m_jsonOk = false;
    m_jsonText.clear();
    m_filled[TextTab] = m_filled[JsonTab] = m_filled[HexTab] = m_filled[DecodedTab] = false;
    m_decodedResult = PayloadDecoder::Result();
    m_tabs->setTabText(DecodedTab, tr("Decoded"));
    m_tabs->setTabToolTip(DecodedTab, QString());
    m_header->setText(tr("No message selected"));
    m_header->setToolTip(QString());
    for (QPlainTextEdit* edit : {m_text, m_json, m_hex, m_decoded}) {
        edit->clear();
        edit->setPlaceholderText(QString());
    }
    if (m_tabs->currentIndex() == JsonTab)
        m_tabs->setCurrentIndex(TextTab);
    m_tabs->setTabEnabled(JsonTab, false);
    m_tabs->setTabToolTip(JsonTab, QString());
}

void PayloadView::fillTab(int index)
{
    if (index < TextTab || index > DecodedTab || m_filled[index])
        return;
    m_filled[index] = true;
    const QByteArray& payload = m_message.payload;
    switch (index) {
    case TextTab: {
        setTextWrap();
        if (payload.size() <= MaxTextBytes) {
            m_text->setPlainText(PayloadFormat::asText(payload));
        } else {
            const QString note = tr("… %1 more not shown (%2 in total); see Hex or export")
                                     .arg(PayloadFormat::humanSize(payload.size() - MaxTextBytes),
                                          PayloadFormat::humanSize(payload.size()));
            m_text->setPlainText(PayloadFormat::asText(payload.left(MaxTextBytes)) +
                                 QLatin1Char('\n') + note);
        }
        break;
    }
    case JsonTab:
        if (m_jsonOk)
            m_json->setPlainText(m_jsonText);
        else
            m_json->clear();
        break;
    case HexTab:
        m_hex->setPlainText(PayloadFormat::hexDump(payload));
        break;
    case DecodedTab: {
        const PayloadDecoder::Result& r = m_decodedResult;
        QString text = r.text;
        if (!r.note.isEmpty())
            text = r.note + QStringLiteral("\n\n") + text;
        m_decoded->setPlainText(text);
        break;
    }
    default:
        break;
    }
}

void PayloadView::setTextWrap()
{
    // Word wrapping a long run without a break point costs quadratic time in QTextLayout
    // (seconds for 256 KiB of base64); such payloads wrap anywhere, which is linear.
    constexpr int kLongestWord = 1000;
    int run = 0;
    bool longRun = false;
    const QByteArray& payload = m_message.payload;
    const qsizetype scan = qMin<qsizetype>(payload.size(), MaxTextBytes);
    for (qsizetype i = 0; i < scan && !longRun; ++i) {
        const char c = payload.at(i);
        run = (c == ' ' || c == '\n' || c == '\t' || c == '-' || c == ',') ? 0 : run + 1;
        longRun = run > kLongestWord;
    }
    m_text->setWordWrapMode(longRun ? QTextOption::WrapAnywhere
                                    : QTextOption::WrapAtWordBoundaryOrAnywhere);
}

void PayloadView::setDecoder(PayloadDecoder::Kind kind)
{
    if (kind == m_decoder)
        return;
    m_decoder = kind;
    if (m_hasMessage)
        showMessage(Message(m_message));
}

QString PayloadView::journeyText(const Observation& o)
{
    // A take (and a traced row): who pushed it, who took it, and the latencies between.
    if (o.kind != Observation::Kind::Consume && o.kind != Observation::Kind::Ack)
        return {};
    QStringList steps;
    if (!o.producer.isEmpty())
        steps << tr("pushed by %1").arg(QString::fromUtf8(o.producer));
    if (!o.consumer.isEmpty()) {
        QString taken = tr("taken by %1").arg(QString::fromUtf8(o.consumer));
        if (!o.certain)
            taken += QLatin1Char(' ') + tr("(inferred)");
        if (o.producedMs && o.takenMs >= o.producedMs)
            taken += QLatin1Char(' ') + tr("after %1 ms").arg(o.takenMs - o.producedMs);
        steps << taken;
    }
    if (o.ackedMs) {
        const qint64 from = o.takenMs ? o.takenMs : o.producedMs;
        steps << (from && o.ackedMs >= from ? tr("acked after %1 ms").arg(o.ackedMs - from)
                                            : tr("acked"));
    }
    return steps.join(QStringLiteral(" \u2192 "));
}

QString PayloadView::headerText() const
{
    const Message& m = m_message;
    QStringList parts;
    QString source = QString::fromUtf8(m.source);
    if (!m.pattern.isEmpty())
        source = QString::fromUtf8(m.pattern) + QStringLiteral(" \u2192 ") + source;
    parts << source;
    parts << PayloadFormat::humanSize(
        MessageRowFormat::showsFields(m) ? MessageRowFormat::fieldsBytes(m) : m.payload.size());
    if (m.receivedMs > 0)
        parts << QDateTime::fromMSecsSinceEpoch(m.receivedMs)
                     .toString(QStringLiteral("yyyy-MM-dd hh:mm:ss.zzz"));
    parts << tr("#%1").arg(m.seq);
    if (!m.id.isEmpty())
        parts << tr("id %1").arg(QString::fromUtf8(m.id));
    if (m.deliveryCount > 1)
        parts << tr("delivered %n time(s)", nullptr, m.deliveryCount);
    if (m.observed)
        parts << journeyText(*m.observed);
    parts.removeAll(QString());
    return parts.join(QStringLiteral(" \u00b7 "));
}

} // namespace rqc
