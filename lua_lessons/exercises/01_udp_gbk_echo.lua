-- summary.en: A UDP socket on port 8080 that answers the course's UDP program with what it received, in GBK
-- summary.zh: 在 8080 端口做一个 UDP 套接字，把收到的内容用 GBK 编码回复给课程里的 UDP 程序
-- course: 001 (udp 网络程序 - 接收数据: sendto(…encode('utf-8'), dest_addr), recvfrom(1024), decode('gbk'))

-- The UDP socket bound to port 8080 (its id), or nil.
local function receiver() return (bound(8080, "udp")) end

-- Each answer it sent, with the datagram it answers: the last one received before it
-- ({got, sent}); and the last answer that went elsewhere ({got, sent}), or nil.
local function answers(s)
    local out, astray = {}, nil
    for _, a in ipairs(calls{kind = "sendto", ok = true, id = s}) do
        local got
        for _, r in ipairs(calls{kind = "recvfrom", ok = true, id = s}) do
            if r.seq < a.seq then got = r end
        end
        if got and got.addr == a.addr then out[#out + 1] = {got = got, sent = a}
        elseif got then astray = {got = got, sent = a} end
    end
    return out, astray
end

exercise{
    task = {"Make a UDP socket on port 8080 that answers the course's UDP program with the text it received, encoded in GBK.",
            "在 8080 端口做一个 UDP 套接字：收到课程里 UDP 程序发来的文字后，把同样的文字用 GBK 编码回复给它。"},
    peer = {"The other side is the course's own program, \"udp 网络程序 - 接收数据\": it sends what you type in UTF-8 to dest_addr, waits for one answer and prints it with decode('gbk'). Set its dest_addr = ('127.0.0.1', 8080) and run it with python3 in a second terminal once your socket is bound. In the lab (sockplay --lab --exercise udp_gbk_echo): `on A` first, and run the program on B with dest_addr = ('192.168.1.103', 8080): sockplay --join B -- python3 FILE.py. Commands, the course's Python lines and Lua all count.",
            "另一端是课程自己的程序“udp 网络程序 - 接收数据”：它把你输入的文字用 UTF-8 发往 dest_addr，等待一个回复，并用 decode('gbk') 打印。把它的 dest_addr 改成 ('127.0.0.1', 8080)，在你的套接字绑定之后，在第二个终端里用 python3 运行它。在实验网络里（sockplay --lab --exercise udp_gbk_echo）：先 `on A`，再在 B 上运行这个程序，dest_addr = ('192.168.1.103', 8080)：sockplay --join B -- python3 xxx.py。命令、课程里的 Python 语句和 Lua 都算数。"},
    checks = {
        {"udp_on_8080", {"a UDP socket is bound to port 8080", "有一个 UDP 套接字绑定在 8080 端口"}, function()
            if receiver() then return true end
            local other = calls{kind = "bind", ok = true, port = 8080}[1]
            if other then return false, tr("the socket bound to 8080 is " .. other.type .. ": the course's program sends UDP datagrams (SOCK_DGRAM)",
                                           "绑定 8080 的套接字是 " .. other.type .. "：课程的程序发送的是 UDP 数据报（SOCK_DGRAM）") end
            local failed = calls{kind = "bind", ok = false, port = 8080}[1]
            if failed then return false, tr("bind to port 8080 failed (" .. tostring(failed.err) .. ")", "绑定 8080 端口失败（" .. tostring(failed.err) .. "）") end
            return false, tr("no bind to port 8080 yet: bind(('', 8080))", "还没有绑定 8080 端口：bind(('', 8080))")
        end},
        {"got_datagram", {"it received the program's datagram with recvfrom", "它用 recvfrom 收到了程序发来的数据报"}, function()
            local s = receiver()
            if s and #calls{kind = "recvfrom", ok = true, id = s} > 0 then return true end
            if s and #calls{kind = "recv", ok = true, id = s} > 0 then
                return false, tr("recv gives the bytes but not who sent them: recvfrom gives (data, address), the address to answer to",
                                 "recv 只给出字节，不告诉你是谁发的：recvfrom 给出 (数据, 地址)，回复要发往这个地址")
            end
            return false, tr("nothing received yet: run the course's program, then recvfrom(1024)", "还没有收到：运行课程的程序，然后 recvfrom(1024)")
        end},
        {"answered_sender", {"it sent an answer to the address recvfrom gave", "它向 recvfrom 给出的地址发送了回复"}, function()
            local s = receiver()
            local ok, astray = answers(s or 0)
            if #ok > 0 then return true end
            if astray then
                return false, tr("the answer went to " .. astray.sent.addr .. ", but the datagram came from " .. astray.got.addr ..
                                 ": answer the address of the datagram just received (a `recvfrom` command does not change the Python variables recv_data and addr)",
                                 "回复发往了 " .. astray.sent.addr .. "，但数据报来自 " .. astray.got.addr ..
                                 "：要回复刚收到的数据报的地址（`recvfrom` 命令不会改变 Python 变量 recv_data 和 addr）")
            end
            return false, tr("sendto(data, addr) on the same socket, with the addr recvfrom returned", "在同一个套接字上 sendto(数据, addr)，addr 就是 recvfrom 返回的地址")
        end},
        {"answer_in_gbk", {"the answer is the text it received, encoded in GBK", "回复的是收到的文字，用 GBK 编码"}, function()
            local s, last = receiver(), nil
            for _, p in ipairs((answers(s or 0))) do
                local text = socket.decode(p.got.data, "utf-8")
                if text and p.sent.data == socket.encode(text, "gbk") then return true end
                last = p
            end
            if last and last.sent.data == last.got.data then
                return false, tr("the answer is the bytes as they came, in UTF-8: the course's program decodes with gbk — decode('utf-8'), then encode('gbk')",
                                 "回复的是原样的 UTF-8 字节：课程的程序用 gbk 解码 —— 先 decode('utf-8')，再 encode('gbk')")
            end
            if last then return false, tr("the answer's bytes are not the received text in GBK", "回复的字节不是收到的文字的 GBK 编码") end
            return false, tr("answer with recv_data.decode('utf-8').encode('gbk')", "回复 recv_data.decode('utf-8').encode('gbk')")
        end},
    },
    -- For --auto: the course's lines, and a second socket standing in for the course's program.
    solution = {
        "import socket",
        "udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "udp_socket.bind(('', 8080))",
        "course = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "course.sendto('你好'.encode('utf-8'), ('127.0.0.1', 8080))",
        "recv_data, addr = udp_socket.recvfrom(1024)",
        "udp_socket.sendto(recv_data.decode('utf-8').encode('gbk'), addr)",
        "course.recvfrom(1024)",
    },
}
