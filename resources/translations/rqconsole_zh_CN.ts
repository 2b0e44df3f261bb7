<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.cpp" line="49"/>
        <source>Try &quot;rqconsole --help&quot;.</source>
        <translation>试试 &quot;rqconsole --help&quot;。</translation>
    </message>
</context>
<context>
    <name>rqc::AckingConsumer</name>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="44"/>
        <source>The consumer stopped before Redis answered; the messages stay pending and will be delivered again.</source>
        <translation>消费者在 Redis 应答之前已停止；这些消息仍处于待确认状态，之后会再次投递。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="63"/>
        <source>%1 is not possible in this mode.</source>
        <translation>此模式下不能执行 %1。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="103"/>
        <source>No free consumer name after %1 tries.</source>
        <translation>尝试 %1 次后仍找不到可用的消费者名称。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="110"/>
        <source>Another consumer named %1 looked alive (%2); both now share its pending messages.</source>
        <translation>另一个名为 %1 的消费者似乎仍在运行（%2）；现在两者共享它的待确认消息。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="157"/>
        <source>Connection lost before Redis answered (%1); the outcome is unknown — settle again if the messages are still pending.</source>
        <translation>在 Redis 应答之前连接已断开（%1）；结果未知——如果消息仍处于待确认状态，请再处理一次。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="172"/>
        <source>The consumer is stopping.</source>
        <translation>消费者正在停止。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="200"/>
        <source>This consumer reads with NOACK: there is nothing to ack.</source>
        <translation>此消费者以 NOACK 方式读取：没有需要确认的消息。</translation>
    </message>
    <message>
        <location filename="../../core/AckingConsumer.cpp" line="274"/>
        <source>Claiming idle entries</source>
        <translation>正在认领空闲条目</translation>
    </message>
</context>
<context>
    <name>rqc::AppOptions</name>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="14"/>
        <source>Desktop console for Redis message queues.</source>
        <translation>Redis 消息队列桌面控制台。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="19"/>
        <source>The server to use: redis://[user[:password]@]host[:port][/db], rediss://… or unix:///path.sock?db=N. Default: %1, or a private sandbox server if nothing answers there.</source>
        <translation>要使用的服务器：redis://[user[:password]@]host[:port][/db]、rediss://… 或 unix:///path.sock?db=N。默认：%1；若该地址无响应，则启动一个私有沙箱服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="23"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="25"/>
        <source>Start a private redis-server for this session and use it.</source>
        <translation>为本次会话启动并使用一个私有 redis-server。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="28"/>
        <source>Open a pane; repeatable. MODE is one of %1, e.g. list:queue1 or pubsub:news.</source>
        <translation>打开一个窗格，可重复使用。MODE 为 %1 之一，例如 list:queue1 或 pubsub:news。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="30"/>
        <source>MODE:TARGET[,key=value…]</source>
        <translation>MODE:TARGET[,key=value…]</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="32"/>
        <source>Keep the window layout in this file instead of the user&apos;s settings.</source>
        <translation>将窗口布局保存在此文件中，而不是用户设置中。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="34"/>
        <source>FILE</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="51"/>
        <source>Unexpected argument &quot;%1&quot;.</source>
        <translation>多余的参数 &quot;%1&quot;。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="60"/>
        <source>Use either --url or --sandbox, not both.</source>
        <translation>--url 和 --sandbox 只能二选一。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="67"/>
        <source>Bad --url: %1</source>
        <translation>--url 有误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="67"/>
        <source>the server URL is empty.</source>
        <translation>服务器 URL 为空。</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="77"/>
        <source>Bad --pane: %1</source>
        <translation>--pane 有误：%1</translation>
    </message>
    <message>
        <location filename="../../ui/AppOptions.cpp" line="85"/>
        <source>--settings needs a file name.</source>
        <translation>--settings 需要一个文件名。</translation>
    </message>
</context>
<context>
    <name>rqc::ConnectionSettings</name>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="15"/>
        <source>The database number &quot;%1&quot; is not a non-negative integer.</source>
        <translation>数据库编号 &quot;%1&quot; 不是非负整数。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="30"/>
        <source>The server URL is empty.</source>
        <translation>服务器 URL 为空。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="35"/>
        <source>&quot;%1&quot; is not a valid URL: %2</source>
        <translation>&quot;%1&quot; 不是有效的 URL：%2</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="43"/>
        <source>The URL &quot;%1&quot; names no host.</source>
        <translation>URL &quot;%1&quot; 中没有主机名。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="49"/>
        <source>The port in &quot;%1&quot; is out of range.</source>
        <translation>&quot;%1&quot; 中的端口超出范围。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="62"/>
        <source>The URL &quot;%1&quot; names no socket path.</source>
        <translation>URL &quot;%1&quot; 中没有套接字路径。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="66"/>
        <source>Unsupported URL scheme &quot;%1&quot;: use redis://, rediss:// or unix://.</source>
        <translation>不支持的 URL 协议 &quot;%1&quot;：请使用 redis://、rediss:// 或 unix://。</translation>
    </message>
    <message>
        <location filename="../../core/ConnectionSettings.cpp" line="84"/>
        <source>The timeout in &quot;%1&quot; must be a positive number of milliseconds.</source>
        <translation>&quot;%1&quot; 中的超时必须是正的毫秒数。</translation>
    </message>
</context>
<context>
    <name>rqc::ConsoleSession</name>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="29"/>
        <source>Started a private sandbox server at %1 (--sandbox); it ends with the console.</source>
        <translation>已在 %1 启动私有沙箱服务器（--sandbox），它会随控制台一起退出。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="45"/>
        <source>No Redis at %1:%2 — started a private sandbox server at %3; it ends with the console.</source>
        <translation>%1:%2 上没有 Redis——已在 %3 启动私有沙箱服务器，它会随控制台一起退出。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="59"/>
        <source>No Redis server to use: nothing answers at %1, and redis-server is not installed for a private sandbox.</source>
        <translation>没有可用的 Redis 服务器：%1 无响应，而且未安装 redis-server，无法启动私有沙箱。</translation>
    </message>
    <message>
        <location filename="../../ui/ConsoleSession.cpp" line="66"/>
        <source>Could not start a private sandbox server: %1</source>
        <translation>无法启动私有沙箱服务器：%1</translation>
    </message>
</context>
<context>
    <name>rqc::Consumer</name>
    <message>
        <location filename="../../core/Consumer.cpp" line="129"/>
        <location filename="../../core/Consumer.cpp" line="168"/>
        <source>The consumer is not running.</source>
        <translation>消费者未在运行。</translation>
    </message>
    <message>
        <location filename="../../core/Consumer.cpp" line="130"/>
        <source>Mode %1 does not settle messages.</source>
        <translation>%1 模式不需要确认或退回消息。</translation>
    </message>
    <message>
        <location filename="../../core/Consumer.cpp" line="169"/>
        <source>Mode %1 has nothing to recover.</source>
        <translation>%1 模式没有可恢复的内容。</translation>
    </message>
</context>
<context>
    <name>rqc::ConsumerSpec</name>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="55"/>
        <source>Pub/Sub</source>
        <translation>发布/订阅</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="57"/>
        <source>Pattern</source>
        <translation>模式订阅</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="59"/>
        <source>List (LPUSH/BRPOP)</source>
        <translation>列表（LPUSH/BRPOP）</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="61"/>
        <source>Reliable list</source>
        <translation>可靠列表</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="63"/>
        <source>Stream group</source>
        <translation>Stream 消费组</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="65"/>
        <source>Stream tail</source>
        <translation>Stream 跟读</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="74"/>
        <source>At most once: every subscriber sees each message; whatever is published while nobody listens is gone.</source>
        <translation>至多一次：每个订阅者都会收到每条消息；无人订阅时发布的消息会直接丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="77"/>
        <source>At most once, for every channel matching the pattern; messages published while disconnected are gone.</source>
        <translation>至多一次，适用于所有匹配该模式的频道；断开期间发布的消息会丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="80"/>
        <source>At most once: each message goes to one consumer, but is lost if that consumer dies between the pop and processing.</source>
        <translation>至多一次：每条消息只交给一个消费者，但如果该消费者在取出消息后、处理完成前崩溃，消息就会丢失。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="83"/>
        <source>At least once, acked exactly once: a taken message waits in the consumer&apos;s processing list until acked; a stop or crash loses nothing.</source>
        <translation>至少一次，确认恰好一次：取出的消息会留在该消费者的处理列表中直到被确认；停止或崩溃都不会丢消息。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="86"/>
        <source>At least once, acked exactly once: an entry stays pending in the group until acked (ack=none: at most once).</source>
        <translation>至少一次，确认恰好一次：条目在被确认之前一直处于消费组的待确认状态（ack=none 时为至多一次）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="89"/>
        <source>Reads only: follows new entries without consuming; the application&apos;s consumers are not affected.</source>
        <translation>只读：跟随读取新条目而不消费，不影响应用自己的消费者。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="146"/>
        <source>a whole number above 0</source>
        <translation>大于 0 的整数</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="150"/>
        <source>milliseconds, 0 or more</source>
        <translation>毫秒数，不小于 0</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="154"/>
        <source>milliseconds, 300 or more</source>
        <translation>毫秒数，不小于 300</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="157"/>
        <source>$ (new entries only), 0 (from the start) or an entry id</source>
        <translation>$（只读新条目）、0（从头开始）或一个条目 ID</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="167"/>
        <source>a name, not ending in :alive</source>
        <translation>一个名称，且不能以 :alive 结尾</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="168"/>
        <source>a key other than the queue itself, not ending in :alive</source>
        <translation>队列本身以外的键，且不能以 :alive 结尾</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="171"/>
        <source>Option %1=%2 is not valid for mode %3 (expected %4).</source>
        <translation>选项 %1=%2 对 %3 模式无效（应为%4）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="186"/>
        <source>&quot;%1&quot; is not MODE:TARGET (MODE is one of %2).</source>
        <translation>&quot;%1&quot; 不是 MODE:TARGET 格式（MODE 为 %2 之一）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="193"/>
        <source>Unknown mode &quot;%1&quot; (use one of %2).</source>
        <translation>未知模式 &quot;%1&quot;（请使用 %2 之一）。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="200"/>
        <source>&quot;%1&quot; names no target.</source>
        <translation>&quot;%1&quot; 没有指定目标。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="208"/>
        <source>Option &quot;%1&quot; is not key=value.</source>
        <translation>选项 &quot;%1&quot; 不是 key=value 格式。</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerSpec.cpp" line="213"/>
        <source>Mode %1 has no option &quot;%2&quot;.</source>
        <translation>%1 模式没有选项 &quot;%2&quot;。</translation>
    </message>
</context>
<context>
    <name>rqc::ConsumerWorker</name>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="37"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="39"/>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="41"/>
        <source>listening</source>
        <translation>监听中</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="43"/>
        <source>reconnecting</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="45"/>
        <source>stopping</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="47"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="49"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../core/ConsumerWorker.cpp" line="138"/>
        <source>%1 — retrying in %2 ms</source>
        <translation>%1——%2 毫秒后重试</translation>
    </message>
</context>
<context>
    <name>rqc::MainWindow</name>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="41"/>
        <source>rqconsole</source>
        <translation>rqconsole</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="56"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="70"/>
        <source>Show &amp;sidebar</source>
        <translation>显示侧边栏(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="79"/>
        <source>No server</source>
        <translation>没有服务器</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="90"/>
        <source>Connected to %1 · Redis %2</source>
        <translation>已连接到 %1 · Redis %2</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="91"/>
        <source>Redis %1</source>
        <translation>Redis %1</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="96"/>
        <source>Trouble with %1</source>
        <translation>%1 出现问题</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="97"/>
        <source>Server: %1</source>
        <translation>服务器：%1</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="104"/>
        <source>Starting a private sandbox server…</source>
        <translation>正在启动私有沙箱服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="106"/>
        <location filename="../../ui/MainWindow.cpp" line="334"/>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="108"/>
        <source>Looking for Redis at %1…</source>
        <translation>正在 %1 查找 Redis…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="125"/>
        <source>&amp;New pane…</source>
        <translation>新建窗格(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="128"/>
        <source>Open a pane for a queue or channel (it need not exist yet)</source>
        <translation>为队列或频道打开一个窗格（它可以尚不存在）</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="130"/>
        <source>&amp;Close pane</source>
        <translation>关闭窗格(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="136"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="141"/>
        <source>&amp;Refresh server</source>
        <translation>刷新服务器(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="145"/>
        <source>Message &amp;limit per pane…</source>
        <translation>每个窗格的消息上限(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="147"/>
        <source>&amp;About rqconsole</source>
        <translation>关于 rqconsole(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="150"/>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="153"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="158"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="162"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="166"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="333"/>
        <source>rqconsole — %1</source>
        <translation>rqconsole — %1</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="344"/>
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="374"/>
        <source>Message limit</source>
        <translation>消息上限</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="375"/>
        <source>Messages kept in each pane&apos;s view (older ones are dropped from the view, the totals stay true):</source>
        <translation>每个窗格视图中保留的消息数（更早的消息会从视图中移除，统计总数保持准确）：</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="388"/>
        <source>About rqconsole</source>
        <translation>关于 rqconsole</translation>
    </message>
    <message>
        <location filename="../../ui/MainWindow.cpp" line="389"/>
        <source>&lt;h3&gt;rqconsole %1&lt;/h3&gt;&lt;p&gt;A desktop console for Redis message queues: publish test messages and watch them consumed live, with each mode&apos;s delivery guarantee stated plainly.&lt;/p&gt;&lt;p&gt;Built with Qt %2 and hiredis.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;rqconsole %1&lt;/h3&gt;&lt;p&gt;Redis 消息队列桌面控制台：发布测试消息，实时观察它们被消费，并明确说明每种模式的投递保证。&lt;/p&gt;&lt;p&gt;基于 Qt %2 和 hiredis 构建。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>rqc::MessageModel</name>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="196"/>
        <source>%1, message #%2</source>
        <translation>%1，第 %2 条消息</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/MessageModel.cpp" line="203"/>
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="229"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="231"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="233"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/MessageModel.cpp" line="235"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>rqc::NewPaneDialog</name>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="19"/>
        <source>New pane</source>
        <translation>新建窗格</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="29"/>
        <source>list key, channel or pattern</source>
        <translation>列表键、频道或匹配模式</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="31"/>
        <source>&amp;Mode:</source>
        <translation>模式(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="32"/>
        <source>&amp;Target:</source>
        <translation>目标(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/NewPaneDialog.cpp" line="38"/>
        <source>Open pane</source>
        <translation>打开窗格</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadFormat</name>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="350"/>
        <source>… %1 more not shown (%2 in total)</source>
        <translation>… 还有 %1 未显示（共 %2）</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="359"/>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="361"/>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="362"/>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="363"/>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <location filename="../../core/PayloadFormat.cpp" line="364"/>
        <source>%1 TiB</source>
        <translation>%1 TiB</translation>
    </message>
</context>
<context>
    <name>rqc::PayloadView</name>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="47"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="48"/>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="49"/>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="83"/>
        <source>(empty payload)</source>
        <translation>（空消息体）</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="105"/>
        <source>Too large to parse as JSON</source>
        <translation>太大，无法按 JSON 解析</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="106"/>
        <source>The payload is not valid JSON</source>
        <translation>消息体不是有效的 JSON</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="116"/>
        <source>No message selected</source>
        <translation>未选择消息</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="140"/>
        <source>… %1 more not shown (%2 in total); see Hex or export</source>
        <translation>… 还有 %1 未显示（共 %2）；请查看十六进制或导出</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="192"/>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <location filename="../../ui/PayloadView.cpp" line="194"/>
        <source>id %1</source>
        <translation>ID %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/PayloadView.cpp" line="196"/>
        <source>delivered %n time(s)</source>
        <translation>
            <numerusform>已投递 %n 次</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rqc::PubSubConsumer</name>
    <message>
        <location filename="../../core/PubSubConsumer.cpp" line="17"/>
        <source>Messages published while disconnected are gone: pub/sub keeps nothing for absent subscribers.</source>
        <translation>断开期间发布的消息已丢失：发布/订阅不会为不在线的订阅者保留任何消息。</translation>
    </message>
</context>
<context>
    <name>rqc::Publisher</name>
    <message>
        <location filename="../../core/Publisher.cpp" line="339"/>
        <source>A stream entry needs at least one field.</source>
        <translation>Stream 条目至少需要一个字段。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="340"/>
        <location filename="../../core/Publisher.cpp" line="366"/>
        <source>The publisher is stopped; nothing was sent.</source>
        <translation>发布器已停止，没有发送任何消息。</translation>
    </message>
</context>
<context>
    <name>rqc::PublisherWorker</name>
    <message>
        <location filename="../../core/Publisher.cpp" line="106"/>
        <source>Connection lost while sending to %1: %2 of %3 acknowledged; %4 sent without an answer (they may or may not have reached Redis) and %5 not sent. Nothing was retried.</source>
        <translation>向 %1 发送时连接断开：%3 条中已确认 %2 条；%4 条已发出但未收到应答（可能已到达 Redis，也可能没有），%5 条未发送。没有进行任何重试。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="137"/>
        <source>The publisher is stopped; nothing was sent.</source>
        <translation>发布器已停止，没有发送任何消息。</translation>
    </message>
    <message>
        <location filename="../../core/Publisher.cpp" line="282"/>
        <source>Stopped with %1 messages to %2 sent but not yet acknowledged.</source>
        <translation>停止时，发往 %2 的 %1 条消息已发出但尚未确认。</translation>
    </message>
</context>
<context>
    <name>rqc::QueueInspector</name>
    <message>
        <location filename="../../core/QueueInspector.cpp" line="553"/>
        <source>The inspector is not running.</source>
        <translation>检查器未在运行。</translation>
    </message>
</context>
<context>
    <name>rqc::QueueInspectorWorker</name>
    <message>
        <location filename="../../core/QueueInspector.cpp" line="118"/>
        <source>Connection lost before Redis answered (%1); the outcome is unknown.</source>
        <translation>在 Redis 应答之前连接已断开（%1）；结果未知。</translation>
    </message>
    <message>
        <location filename="../../core/QueueInspector.cpp" line="139"/>
        <location filename="../../core/QueueInspector.cpp" line="371"/>
        <source>The inspector stopped.</source>
        <translation>检查器已停止。</translation>
    </message>
</context>
<context>
    <name>rqc::QueuePane</name>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="88"/>
        <source>The list key, channel or pattern this pane consumes. Press Enter to switch.</source>
        <translation>此窗格消费的列表键、频道或匹配模式。按回车键切换。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="98"/>
        <source>How this pane consumes; switching restarts its consumer.</source>
        <translation>此窗格的消费方式；切换后会重启消费者。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="106"/>
        <source>Close this pane (its consumer stops)</source>
        <translation>关闭此窗格（其消费者随之停止）</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="143"/>
        <source>Filter by source or content…</source>
        <translation>按来源或内容过滤…</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="146"/>
        <location filename="../../ui/QueuePane.cpp" line="436"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="149"/>
        <source>Freeze the view. Messages are still consumed and counted; those arriving meanwhile are held back and shown on resume.</source>
        <translation>冻结视图。消息仍会被消费和计数；期间到达的消息会先暂存，恢复后再显示。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="152"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="154"/>
        <source>Remove the messages from the view (totals stay).</source>
        <translation>从视图中移除消息（统计总数保留）。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="205"/>
        <source>Publish to:</source>
        <translation>发布到：</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="208"/>
        <source>a channel matching the pattern</source>
        <translation>一个匹配该模式的频道</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="216"/>
        <location filename="../../ui/QueuePane.cpp" line="265"/>
        <source>Message to send — Ctrl+Enter sends</source>
        <translation>要发送的消息——按 Ctrl+Enter 发送</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="223"/>
        <source>Repeat:</source>
        <translation>重复：</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="228"/>
        <source>Send the message this many times, pipelined.</source>
        <translation>以管道方式将消息发送这么多次。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="232"/>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="260"/>
        <source>Send (LPUSH)</source>
        <translation>发送（LPUSH）</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="260"/>
        <source>Send (PUBLISH)</source>
        <translation>发送（PUBLISH）</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="266"/>
        <source>Sending to a stream is not available in this pane.</source>
        <translation>此窗格不支持向 Stream 发送消息。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="292"/>
        <source>sending %1 of %2</source>
        <translation>正在发送 %1/%2</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="297"/>
        <source>Sending failed: %1</source>
        <translation>发送失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="300"/>
        <source>The sending connection was lost: %1</source>
        <translation>发送连接已断开：%1</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="353"/>
        <source>Connection lost at %1: %2 — reconnecting…</source>
        <translation>%1 连接断开：%2——正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="360"/>
        <source>The connection was down from %1 to %2.</source>
        <translation>连接在 %1 至 %2 期间中断。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="436"/>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="473"/>
        <source>Not connected to a server yet.</source>
        <translation>尚未连接到服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="478"/>
        <source>Pattern panes need a channel to publish to: fill in &quot;Publish to&quot;.</source>
        <translation>模式订阅窗格需要一个具体频道才能发布：请填写“发布到”。</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="491"/>
        <source>sending %1</source>
        <translation>正在发送 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="515"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="517"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="563"/>
        <source>received %1</source>
        <translation>已接收 %1</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="564"/>
        <source>%1 msg/s</source>
        <translation>%1 条/秒</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="567"/>
        <source>depth %1</source>
        <translation>深度 %1</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="569"/>
        <source>length %1</source>
        <translation>长度 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/QueuePane.cpp" line="571"/>
        <source>%n subscriber(s)</source>
        <translation>
            <numerusform>%n 个订阅者</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/QueuePane.cpp" line="573"/>
        <source>last publish reached %n</source>
        <translation>
            <numerusform>上次发布送达 %n 个订阅者</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="574"/>
        <source>dropped %1</source>
        <translation>已丢弃 %1</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="578"/>
        <source>sent %1</source>
        <translation>已发送 %1</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="580"/>
        <source>paused, %1 held back</source>
        <translation>已暂停，暂存 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/QueuePane.cpp" line="594"/>
        <source>Dropped: messages received but no longer kept in the view (the view keeps the newest %1).</source>
        <translation>已丢弃：已接收但不再保留在视图中的消息（视图只保留最新的 %1 条）。</translation>
    </message>
</context>
<context>
    <name>rqc::RedisConnection</name>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="37"/>
        <source>Timed out after %1 ms connecting to %2.</source>
        <translation>连接 %2 超时（%1 毫秒）。</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="95"/>
        <source>TLS error: %1</source>
        <translation>TLS 错误：%1</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="247"/>
        <source>Protocol error: %1</source>
        <translation>协议错误：%1</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="308"/>
        <source>Cannot connect to %1: %2</source>
        <translation>无法连接到 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/RedisConnection.cpp" line="319"/>
        <source>The server closed the connection.</source>
        <translation>服务器关闭了连接。</translation>
    </message>
</context>
<context>
    <name>rqc::ReliableListConsumer</name>
    <message>
        <location filename="../../core/ReliableListConsumer.cpp" line="60"/>
        <source>Nothing was lost: messages taken before the gap are still in the processing list.</source>
        <translation>没有丢失任何消息：中断前取出的消息仍在处理列表中。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../core/ReliableListConsumer.cpp" line="103"/>
        <source>%n message(s) in the processing list reached %1 deliveries and went to %2.</source>
        <translation>
            <numerusform>处理列表中有 %n 条消息已投递 %1 次，已转入 %2。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../core/ReliableListConsumer.cpp" line="367"/>
        <source>Recovered %1 message(s) from %2 orphaned processing list(s); %3 went to the dead list.</source>
        <translation>已从 %2 个无主的处理列表中恢复 %1 条消息；其中 %3 条转入死信列表。</translation>
    </message>
</context>
<context>
    <name>rqc::ReliableRecovery</name>
    <message>
        <location filename="../../core/ReliableRecovery.cpp" line="85"/>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
</context>
<context>
    <name>rqc::SandboxServer</name>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="117"/>
        <source>Could not create a TLS certificate with openssl: %1</source>
        <translation>无法用 openssl 生成 TLS 证书：%1</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="133"/>
        <source>Could not create a temporary directory: %1</source>
        <translation>无法创建临时目录：%1</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="137"/>
        <source>%1 is not installed (Debian package redis-server).</source>
        <translation>未安装 %1（Debian 软件包 redis-server）。</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="207"/>
        <source>Could not start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="227"/>
        <source>redis-server did not become ready within %1 ms: %2</source>
        <translation>redis-server 在 %1 毫秒内未就绪：%2</translation>
    </message>
    <message>
        <location filename="../../core/SandboxServer.cpp" line="230"/>
        <source>redis-server exited at start-up: %1</source>
        <translation>redis-server 启动时退出：%1</translation>
    </message>
</context>
<context>
    <name>rqc::ServerMonitorWorker</name>
    <message>
        <location filename="../../core/ServerMonitor.cpp" line="117"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>rqc::ServerProbe</name>
    <message>
        <location filename="../../core/ServerProbe.cpp" line="14"/>
        <source>No answer within the time limit.</source>
        <translation>在时限内没有响应。</translation>
    </message>
</context>
<context>
    <name>rqc::ServerTreeModel</name>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="29"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="29"/>
        <source>Depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="31"/>
        <source>Length for lists and streams, subscribers for channels</source>
        <translation>列表和 Stream 显示长度，频道显示订阅者数</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="32"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="44"/>
        <source>Lists</source>
        <translation>列表</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="45"/>
        <source>Streams</source>
        <translation>Stream</translation>
    </message>
    <message>
        <location filename="../../ui/ServerTreeModel.cpp" line="46"/>
        <source>Channels</source>
        <translation>频道</translation>
    </message>
</context>
<context>
    <name>rqc::StreamGroupConsumer</name>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="102"/>
        <source>Nothing was lost: entries added during the gap are read now; entries read before it stay pending until acked.</source>
        <translation>没有丢失任何条目：中断期间新增的条目现在开始读取；中断前已读取的条目在确认前保持待确认状态。</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="225"/>
        <source>%1 entr(ies) passed %2 deliveries and went to %3.</source>
        <translation>%1 个条目投递已超过 %2 次，已转入 %3。</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="231"/>
        <source>Deleted or trimmed while pending (acked away): %1</source>
        <translation>待确认期间被删除或裁剪（已确认移除）：%1</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="292"/>
        <source>Group %1 was missing; created it again.</source>
        <translation>消费组 %1 不存在，已重新创建。</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="488"/>
        <source>Claiming with ack=none</source>
        <translation>以 ack=none 方式认领</translation>
    </message>
    <message>
        <location filename="../../core/StreamGroupConsumer.cpp" line="514"/>
        <source>Deleted or trimmed while pending: %1</source>
        <translation>待确认期间被删除或裁剪：%1</translation>
    </message>
</context>
<context>
    <name>rqc::StreamTailConsumer</name>
    <message>
        <location filename="../../core/StreamTailConsumer.cpp" line="21"/>
        <source>Entries added during the gap are read now, unless the stream was trimmed meanwhile.</source>
        <translation>中断期间新增的条目现在开始读取，除非这期间 Stream 被裁剪过。</translation>
    </message>
</context>
</TS>
