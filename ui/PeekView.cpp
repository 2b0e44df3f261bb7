#include "PeekView.h"

#include "PayloadFormat.h"
#include "PeekActionPrompt.h"
#include "PeekModel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {
QString rateText(double perSec) { return QLocale().toString(perSec, 'f', 1); }

} // namespace

PeekView::PeekView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("peekView"));
    m_model = new PeekModel(this);
    buildUi();
    updateActions();
}

PeekView::~PeekView() { stopReader(); }

void PeekView::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    auto* liveRow = new QHBoxLayout;
    m_liveLabel = new QLabel(this);
    m_liveLabel->setObjectName(QStringLiteral("peekLiveLabel"));
    m_notifyButton = new QPushButton(tr("Turn on notifications…"), this);
    m_notifyButton->setObjectName(QStringLiteral("peekNotifyButton"));
    m_notifyButton->setToolTip(tr("Asks the server to publish keyspace notifications, so this "
                                  "view refreshes on changes instead of polling. Confirmed "
                                  "first: it changes the server for every client."));
    m_notifyButton->setVisible(false);
    connect(m_notifyButton, &QPushButton::clicked, this, &PeekView::turnOnNotifications);
    m_depthLabel = new QLabel(this);
    m_depthLabel->setObjectName(QStringLiteral("peekDepthLabel"));
    m_depthLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    liveRow->addWidget(m_depthLabel, 1);
    liveRow->addWidget(m_liveLabel);
    liveRow->addWidget(m_notifyButton);
    layout->addLayout(liveRow);

    m_endLabel = new QLabel(this);
    m_endLabel->setObjectName(QStringLiteral("peekEndLabel"));
    m_endLabel->setWordWrap(true);
    m_endLabel->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_endLabel);

    // Pager through the middle of a list.
    m_listPager = new QWidget(this);
    m_listPager->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* pager = new QHBoxLayout(m_listPager);
    pager->setContentsMargins(0, 0, 0, 0);
    auto* from = new QLabel(tr("Show from index:"), m_listPager);
    m_indexSpin = new QSpinBox(m_listPager);
    m_indexSpin->setObjectName(QStringLiteral("peekIndexSpin"));
    m_indexSpin->setRange(0, 0);
    m_indexSpin->setKeyboardTracking(false);
    m_indexSpin->setToolTip(tr("Index from the head (0 = the element pushed last by LPUSH)"));
    from->setBuddy(m_indexSpin);
    connect(m_indexSpin, &QSpinBox::valueChanged, this, [this](int value) { showPage(value); });
    const auto pagerButton = [this](const QString& text, const char* name) {
        auto* b = new QPushButton(text, m_listPager);
        b->setObjectName(QString::fromLatin1(name));
        return b;
    };
    QPushButton* up = pagerButton(tr("Page up"), "peekPageUpButton");
    QPushButton* down = pagerButton(tr("Page down"), "peekPageDownButton");
    QPushButton* hide = pagerButton(tr("Hide page"), "peekHidePageButton");
    connect(up, &QPushButton::clicked, this, [this] {
        const qint64 start = qMax<qint64>(0, m_pageStart - m_model->snapshot().window);
        showPage(start);
    });
    connect(down, &QPushButton::clicked, this, [this] {
        const qint64 start =
            m_pageStart < 0 ? m_model->snapshot().window : m_pageStart + m_model->snapshot().window;
        showPage(qMin(start, qMax<qint64>(0, m_model->snapshot().length - 1)));
    });
    connect(hide, &QPushButton::clicked, this, [this] { showPage(-1); });
    pager->addWidget(from);
    pager->addWidget(m_indexSpin);
    pager->addWidget(up);
    pager->addWidget(down);
    pager->addWidget(hide);
    pager->addStretch(1);
    layout->addWidget(m_listPager);

    // Pager through a stream, by id.
    m_streamPager = new QWidget(this);
    auto* spager = new QHBoxLayout(m_streamPager);
    spager->setContentsMargins(0, 0, 0, 0);
    using Page = PeekReaderWorker::StreamPage;
    const auto streamButton = [this, spager](const QString& text, const char* name, Page page) {
        auto* b = new QPushButton(text, m_streamPager);
        b->setObjectName(QString::fromLatin1(name));
        connect(b, &QPushButton::clicked, this, [this, page] {
            if (m_reader)
                m_reader->pageStream(page);
        });
        spager->addWidget(b);
    };
    streamButton(tr("Newest"), "peekNewestButton", Page::Newest);
    streamButton(tr("Newer"), "peekNewerButton", Page::Newer);
    streamButton(tr("Older"), "peekOlderButton", Page::Older);
    streamButton(tr("Oldest"), "peekOldestButton", Page::Oldest);
    spager->addStretch(1);
    m_streamPager->setVisible(false);
    layout->addWidget(m_streamPager);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("peekTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    QHeaderView* h = m_table->horizontalHeader();
    h->setStretchLastSection(true);
    h->setHighlightSections(false);
    const QFontMetrics fm = m_table->fontMetrics();
    h->resizeSection(PeekModel::IndexColumn,
                     fm.horizontalAdvance(QStringLiteral("1700000000000-00")) + 16);
    h->resizeSection(PeekModel::PositionColumn,
                     fm.horizontalAdvance(QStringLiteral("next ← BRPOP")) + 16);
    h->resizeSection(PeekModel::SizeColumn,
                     fm.horizontalAdvance(QStringLiteral("1023.9 KiB")) + 16);
    layout->addWidget(m_table, 1);
    // selectRow() moves the current row before it selects: follow both.
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PeekView::onCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PeekView::onCurrentChanged);

    const auto action = [this](const QString& text, const char* name, const QString& tip) {
        auto* a = new QAction(text, this);
        a->setObjectName(QString::fromLatin1(name));
        a->setToolTip(tip);
        m_table->addAction(a);
        return a;
    };
    m_copyAction = action(tr("Copy"), "peekCopyAction", tr("Copy the element's bytes"));
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetShortcut);
    m_saveAction = action(tr("Save to file…"), "peekSaveAction",
                          tr("Write the element's bytes to a file, exactly"));
    m_deleteAction = action(tr("Delete…"), "peekDeleteAction",
                            tr("Remove this element (only this one, even if others are equal)"));
    m_moveAction =
        action(tr("Move to list…"), "peekMoveAction", tr("Remove it here, LPUSH it to a list"));
    m_requeueAction = action(tr("Requeue a copy…"), "peekRequeueAction",
                             tr("RPUSH a copy to the consuming end: it is taken next"));
    m_deadAction = action(tr("Move to dead list…"), "peekDeadAction",
                          tr("Remove it here, LPUSH it to <key>:dead"));
    m_xdelAction =
        action(tr("Delete entry (XDEL)…"), "peekXdelAction", tr("Delete this stream entry"));
    connect(m_copyAction, &QAction::triggered, this, &PeekView::copySelected);
    connect(m_saveAction, &QAction::triggered, this, &PeekView::saveSelected);
    connect(m_deleteAction, &QAction::triggered, this, [this] { runAction(PeekAction::Delete); });
    connect(m_moveAction, &QAction::triggered, this, [this] { runAction(PeekAction::MoveTo); });
    connect(m_requeueAction, &QAction::triggered, this, [this] { runAction(PeekAction::Requeue); });
    connect(m_deadAction, &QAction::triggered, this, [this] { runAction(PeekAction::DeadLetter); });
    connect(m_xdelAction, &QAction::triggered, this, [this] { runAction(PeekAction::XDel); });

    // The row may be clipped in a narrow pane (the context menu has every action): it must not
    // make the pane, and so every pane beside it, wider.
    auto* actionRow = new QWidget(this);
    actionRow->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* actions = new QHBoxLayout(actionRow);
    actions->setContentsMargins(0, 0, 0, 0);
    for (QAction* a : {m_copyAction, m_saveAction, m_deleteAction, m_moveAction, m_requeueAction,
                       m_deadAction, m_xdelAction}) {
        auto* b = new QToolButton(actionRow);
        b->setDefaultAction(a);
        // A tool button does not follow its action's visibility by itself.
        connect(a, &QAction::visibleChanged, b, [a, b] { b->setVisible(a->isVisible()); });
        b->setObjectName(a->objectName() + QStringLiteral("Button"));
        actions->addWidget(b);
    }
    actions->addStretch(1);
    layout->addWidget(actionRow);

    m_resultLabel = new QLabel(this);
    m_resultLabel->setObjectName(QStringLiteral("peekResultLabel"));
    m_resultLabel->setWordWrap(true);
    m_resultLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_resultLabel);
}

void PeekView::start(const ConnectionSettings& settings, const ConsumerSpec& spec)
{
    stop();
    m_spec = spec;
    m_pageStart = -1;
    m_live = PeekLive::Unknown;
    m_model->setSnapshot(PeekSnapshot());
    m_resultLabel->clear();
    m_liveLabel->setText(tr("connecting…"));
    m_depthLabel->clear();
    const int window = spec.option(QStringLiteral("window"), QStringLiteral("50")).toInt();
    m_reader = new PeekReader(settings, spec.target, window > 0 ? window : 50, this);
    connect(m_reader, &PeekReader::snapshotReady, this, &PeekView::onSnapshot);
    connect(m_reader, &PeekReader::liveChanged, this, &PeekView::onLiveChanged);
    connect(m_reader, &PeekReader::actionFinished, this, &PeekView::onActionFinished);
    connect(m_reader, &PeekReader::errorOccurred, this, [this](const QString& error) {
        showResult(error, true);
        emit reported(error);
    });
    m_reader->start();
    updateActions();
}

void PeekView::stop()
{
    if (stopReader())
        emit snapshotShown(PeekSnapshot());
}

bool PeekView::stopReader()
{
    if (!m_reader)
        return false;
    PeekReader* reader = m_reader;
    m_reader = nullptr;
    reader->disconnect(this);
    reader->stop();
    reader->deleteLater();
    updateActions();
    return true;
}

QString PeekView::resultText() const { return m_resultLabel->text(); }

void PeekView::onSnapshot(const PeekSnapshot& s)
{
    // Keep the selection on the same element across a refresh. Stream entries have ids; list
    // elements move (every LPUSH shifts the indices): the nearest row with the same bytes.
    qint64 selIndex = -1;
    QByteArray selPayload;
    QByteArray selId;
    const bool hadSelection = selected(&selIndex, &selPayload, &selId);
    const bool first = m_model->snapshot().kind != s.kind;
    if (first)
        emit kindChanged(s.kind);
    m_model->setSnapshot(s);
    if (hadSelection) {
        bool kept = false;
        if (!selId.isEmpty()) {
            kept = selectEntry(selId);
        } else {
            qint64 best = -1;
            for (int row = 0; row < m_model->rowCount(); ++row) {
                const PeekModel::Row* r = m_model->rowAt(row);
                if (r->kind == PeekModel::RowKind::Element && r->payload == selPayload &&
                    (best < 0 || qAbs(r->index - selIndex) < qAbs(best - selIndex)))
                    best = r->index;
            }
            kept = best >= 0 && selectIndex(best);
        }
        if (!kept) {
            m_table->clearSelection();
            m_table->selectionModel()->clearCurrentIndex();
        }
    }
    // A list opens on its consuming end: the element taken next is in sight.
    if (first && s.kind == PeekSnapshot::Kind::List)
        m_table->scrollToBottom();

    const bool stream = s.kind == PeekSnapshot::Kind::Stream;
    m_listPager->setVisible(!stream);
    m_streamPager->setVisible(stream);
    updateActions(); // the kind's actions only, before anything is selected too
    {
        const QSignalBlocker block(m_indexSpin);
        m_indexSpin->setRange(0, int(qBound(qint64(0), s.length - 1, qint64(INT_MAX))));
        if (s.pageStart >= 0)
            m_indexSpin->setValue(int(qMin<qint64>(s.pageStart, INT_MAX)));
    }

    QString depth;
    if (!s.error.isEmpty()) {
        depth = s.error;
    } else {
        switch (s.kind) {
        case PeekSnapshot::Kind::Missing:
            depth = tr("%1: empty / does not exist").arg(QString::fromUtf8(s.key));
            break;
        case PeekSnapshot::Kind::Other:
            depth = tr("%1 is a %2, not a list or stream: nothing to show")
                        .arg(QString::fromUtf8(s.key), QString::fromUtf8(s.type));
            break;
        case PeekSnapshot::Kind::List:
        case PeekSnapshot::Kind::Stream:
            depth = tr("Depth %1").arg(QLocale().toString(s.length));
            if (s.inEventsPerSec >= 0)
                depth += tr(" · in %1/s · out %2/s (notification events: one per command, not "
                            "per element)")
                             .arg(rateText(s.inEventsPerSec), rateText(s.outEventsPerSec));
            if (s.netKnown) {
                depth += tr(" · net %1%2/s")
                             .arg(s.netPerSec > 0 ? QStringLiteral("+") : QString(),
                                  rateText(s.netPerSec));
                if (s.live == PeekLive::Polling)
                    depth += tr(" (polling: only the net change of the length is known)");
            }
            break;
        }
    }
    m_depthLabel->setText(depth);
    if (s.kind == PeekSnapshot::Kind::List)
        m_endLabel->setText(tr("Top: head (producers LPUSH here). Bottom: tail ← next to be taken "
                               "by BRPOP consumers. Reading only: nothing is taken."));
    else if (stream)
        m_endLabel->setText(tr("Newest entries first; the age comes from each entry's id. "
                               "Reading only: nothing is acknowledged or deleted."));
    else
        m_endLabel->clear();
    updateActions();
    if (!s.error.isEmpty())
        emit depthChanged(-1, s.error);
    else if (s.kind == PeekSnapshot::Kind::Other)
        emit depthChanged(-1, tr("WRONGTYPE: %1 holds a %2")
                                  .arg(QString::fromUtf8(s.key), QString::fromUtf8(s.type)));
    else
        emit depthChanged(s.kind == PeekSnapshot::Kind::Missing ? 0 : s.length, QString());
    emit snapshotShown(s);
}

void PeekView::onLiveChanged(PeekLive live, const QString& detail)
{
    m_live = live;
    switch (live) {
    case PeekLive::Notifications:
        m_liveLabel->setText(tr("live: keyspace notifications"));
        break;
    case PeekLive::Polling:
        m_liveLabel->setText(tr("live: polling 4×/s"));
        break;
    case PeekLive::Unknown:
        m_liveLabel->setText(tr("not connected"));
        break;
    }
    m_liveLabel->setToolTip(detail);
    m_notifyButton->setVisible(live == PeekLive::Polling);
}

void PeekView::onActionFinished(const PeekActionResult& result)
{
    showResult(result.message, !result.done);
    emit reported(result.message);
}

void PeekView::showResult(const QString& text, bool warning)
{
    m_resultLabel->setText(text);
    m_resultLabel->setStyleSheet(warning ? QStringLiteral("QLabel { color: #8a4b00; }")
                                         : QString());
}

bool PeekView::selected(qint64* index, QByteArray* payload, QByteArray* entryId) const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), {}))
        return false;
    const PeekModel::Row* r = m_model->rowAt(current.row());
    if (!r || r->kind == PeekModel::RowKind::Gap)
        return false;
    *index = r->index;
    *payload = r->payload;
    if (entryId)
        *entryId = r->entry.id;
    return true;
}

bool PeekView::selectIndex(qint64 index)
{
    const int row = m_model->rowOfIndex(index);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
    return true;
}

bool PeekView::selectEntry(const QByteArray& id)
{
    const int row = m_model->rowOfEntry(id);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
    return true;
}

void PeekView::onCurrentChanged()
{
    updateActions();
    qint64 index = 0;
    Message m;
    if (!selected(&index, &m.payload, &m.id))
        return;
    m.source = m_spec.target;
    if (!m.id.isEmpty()) {
        const PeekModel::Row* r = m_model->rowAt(m_model->rowOfEntry(m.id));
        if (r)
            m.fields = r->entry.fields;
    }
    emit messageSelected(m);
}

void PeekView::updateActions()
{
    qint64 index = 0;
    QByteArray payload;
    const bool any = selected(&index, &payload);
    const bool stream = m_model->snapshot().kind == PeekSnapshot::Kind::Stream;
    const bool list = m_model->snapshot().kind == PeekSnapshot::Kind::List;
    const bool live = m_reader != nullptr;
    m_copyAction->setEnabled(any);
    m_saveAction->setEnabled(any);
    for (QAction* a : {m_deleteAction, m_moveAction, m_requeueAction, m_deadAction})
        a->setEnabled(any && list && live);
    m_xdelAction->setEnabled(any && stream && live);
    m_xdelAction->setVisible(stream);
    for (QAction* a : {m_deleteAction, m_moveAction, m_requeueAction, m_deadAction})
        a->setVisible(!stream);
}

QString PeekView::describe(qint64 index, const QByteArray& payload) const
{
    const qint64 position = m_model->snapshot().positionOf(index);
    return tr("the element at index %1 (%2 to be taken), %3: “%4”")
        .arg(index)
        .arg(PeekModel::positionText(position), PayloadFormat::humanSize(payload.size()),
             PayloadFormat::preview(payload, 80));
}

void PeekView::runAction(PeekAction action)
{
    if (!m_reader)
        return;
    qint64 index = 0;
    QByteArray payload;
    QByteArray id;
    if (!selected(&index, &payload, &id)) {
        showResult(tr("Select an element first."), true);
        return;
    }
    if (action == PeekAction::EnableNotifications)
        return;
    QByteArray destination;
    if (!PeekActionPrompt::confirmAction(this, action, m_spec.target, describe(index, payload), id,
                                         &destination) ||
        !m_reader)
        return;
    showResult(tr("Working…"), false);
    if (action == PeekAction::XDel)
        m_reader->deleteEntry(id);
    else
        m_reader->act(action, index, payload, destination);
}

void PeekView::turnOnNotifications()
{
    if (!m_reader)
        return;
    if (!PeekActionPrompt::confirmNotifications(this) || !m_reader)
        return;
    m_reader->enableNotifications();
}

void PeekView::copySelected()
{
    qint64 index = 0;
    QByteArray payload;
    if (!selected(&index, &payload))
        return;
    auto* mime = new QMimeData;
    mime->setData(QStringLiteral("application/octet-stream"), payload);
    mime->setText(PayloadFormat::asText(payload));
    QApplication::clipboard()->setMimeData(mime);
    showResult(tr("Copied %1.").arg(PayloadFormat::humanSize(payload.size())), false);
}

void PeekView::saveSelected()
{
    qint64 index = 0;
    QByteArray payload;
    if (!selected(&index, &payload))
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save element"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(payload) != payload.size() || !file.flush()) {
        showResult(tr("Could not write %1: %2").arg(path, file.errorString()), true);
        return;
    }
    showResult(tr("Saved %1 to %2.").arg(PayloadFormat::humanSize(payload.size()), path), false);
}

void PeekView::showPage(qint64 start)
{
    m_pageStart = start;
    if (m_reader)
        m_reader->showPage(start);
}

} // namespace rqc
