-- summary.en: TCP client: socket, connect (the handshake), send, recv, close
-- summary.zh: TCP 客户端：创建套接字、connect（三次握手）、send、recv、close
-- course: 000 §5.1; 001 "TCP 网络程序 - 客户端"; 004 TCP客户端开发流程

say("A small server stands in for the course's server, on a port the kernel picks.",
    "先准备一个小服务器代替课程中的服务器，端口由内核挑选。")
server = socket.socket("tcp")
assert(server:bind("127.0.0.1", 0))
assert(server:listen(128))
local port = server:getsockname()[2]

say("1. Create the client socket.", "1. 创建客户端套接字。")
tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

say("2. connect((ip, port)): the three-way handshake (SYN, SYN-ACK, ACK) happens here.",
    "2. connect((ip, 端口))：三次握手（SYN、SYN-ACK、ACK）在这里完成。")
assert(tcp_client_socket:connect("127.0.0.1", port))
expect(tcp_client_socket:state().state == "ESTABLISHED", "the connection is ESTABLISHED", "连接已建立（ESTABLISHED）")

say("3. send(data): bytes, encoded as UTF-8.", "3. send(数据)：发送 UTF-8 编码后的字节。")
assert(tcp_client_socket:send("hello server"))

local conn = assert(server:accept())
assert(conn:recv(1024))
assert(conn:send("thank you !"))

say("4. recv(1024): at most 1024 bytes of what the server sent.", "4. recv(1024)：最多接收 1024 字节服务器发来的数据。")
local data = tcp_client_socket:recv(1024)
expect(data == "thank you !", "the server's reply arrived", "收到了服务器的回复")

say("5. close(): the client sends FIN; the server's recv will return 0 bytes.",
    "5. close()：客户端发送 FIN；服务器的 recv 会返回 0 字节。")
tcp_client_socket:close()
expect(conn:recv(1024) == "", "the server saw the close as an empty recv", "服务器的 recv 返回空，表示客户端已关闭")
conn:close()
server:close()
