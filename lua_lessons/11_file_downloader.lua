-- summary.en: The file downloader: the client sends a file name, the server sends the file's bytes; closing with bytes unread sends RST
-- summary.zh: 文件下载器：客户端发送文件名，服务器发回文件内容；还有数据没读就关闭会发出 RST
-- course: 001 "案例：文件下载器"

local wire = wire_on()   -- the packets: shown under each call and checked, where capture is allowed

local dir = os.tmpname()
os.remove(dir)
local name = dir .. "-notes.txt"
local content = {}
for i = 1, 100 do content[#content + 1] = ("第%d行 line %d\n"):format(i, i) end
content = table.concat(content)
local f = assert(io.open(name, "wb"))
f:write(content)
f:close()

say("The server: bind, listen, accept one client.", "服务器：bind、listen，接受一个客户端。")
tcp_server_socket = socket.socket("tcp")
assert(tcp_server_socket:bind("", 0))
assert(tcp_server_socket:listen(128))

say("The client connects and sends the name of the file it wants.", "客户端连接，并发送想要下载的文件名。")
tcp_client_socket = socket.socket("tcp")
assert(tcp_client_socket:connect("127.0.0.1", tcp_server_socket:getsockname()[2]))
assert(tcp_client_socket:send(name))

client_socket = assert(tcp_server_socket:accept())
local file_name = client_socket:recv(1024)
expect(file_name == name, "the server received the file name", "服务器收到了文件名")

say("The server reads the file as bytes (rb) and sends them; no encode needed, then closes.",
    "服务器以二进制（rb）读取文件并发送，不需要 encode，然后关闭。")
local fh = assert(io.open(file_name, "rb"))
local bytes = fh:read("a")
fh:close()
assert(client_socket:sendall(bytes))
client_socket:close()

say("The client: one recv(1024) is not the whole file — TCP is a stream. Loop until recv returns \"\".",
    "客户端：一次 recv(1024) 收不完整个文件 —— TCP 是字节流。循环接收直到 recv 返回空。")
local parts = {}
repeat
    local chunk = assert(tcp_client_socket:recv(1024))
    parts[#parts + 1] = chunk
until chunk == ""
local got = table.concat(parts)
expect(#parts > 2, ("it took %d recv calls"):format(#parts), ("一共用了 %d 次 recv"):format(#parts))
local out = name:gsub("[^/]*$", "[接收]%0")
local w = assert(io.open(out, "wb"))
w:write(got)
w:close()
expect(got == content, ("the %d bytes arrived intact in %s"):format(#got, out), ("%d 字节完整地保存到了 %s"):format(#got, out))
tcp_client_socket:close()
local port = tcp_server_socket:getsockname()[2]
if wire then
    expect(#packets{flags = "FIN+ACK", to = port} == 1 and #packets{flags = {"RST", "RST+ACK"}, to = port} == 0,
           "on the wire: the client read everything, so its close() sent FIN — an orderly goodbye",
           "线路上：客户端读完了所有数据，所以它的 close() 发出的是 FIN —— 正常告别")
end

say("The course's client calls recv(1024) once, then close(): the rest of the file is still unread in its receive buffer.",
    "课程中的客户端只调用一次 recv(1024)，然后 close()：文件的其余部分还没读，留在接收缓冲区里。")
tcp_client_socket = socket.socket("tcp")
assert(tcp_client_socket:connect("127.0.0.1", port))
assert(tcp_client_socket:send(name))
client_socket = assert(tcp_server_socket:accept())
assert(client_socket:recv(1024) == name)
assert(client_socket:sendall(bytes))
client_socket:close()
local recv_data = assert(tcp_client_socket:recv(1024))
expect(#recv_data == 1024 and #recv_data < #content, ("it saved only the first 1024 of %d bytes"):format(#content),
       ("它只保存了 %d 字节中的前 1024 字节"):format(#content))
tcp_client_socket:close()
if wire then
    expect(#packets{flags = {"RST", "RST+ACK"}, to = port} == 1,
           "on the wire: closing with unread data sends RST, not FIN — the connection is reset and the unread bytes are thrown away",
           "线路上：还有数据没读就关闭，发出的是 RST 而不是 FIN —— 连接被重置，没读的字节被丢弃")
end
tcp_server_socket:close()
os.remove(name)
os.remove(out)
