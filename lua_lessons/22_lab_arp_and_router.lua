-- summary.en: Lab: ARP asks for a MAC address before the first packet; through router R the IP addresses stay, the MAC addresses change
-- summary.zh: 实验网络：第一个包之前先用 ARP 问 MAC 地址；经过路由器 R，IP 地址不变，MAC 地址改变
-- course: 003 (MAC 地址、网络掩码、默认网关、交换机、路由器：ip不变，但是MAC地址会变化; 数据链路层 ARP)

if not lab_on() then return end

local MAC = {A = "02:00:00:00:01:01", B = "02:00:00:00:02:01", R0 = "02:00:00:00:03:01", R1 = "02:00:00:00:03:02",
             D = "02:00:00:00:04:01", all = "ff:ff:ff:ff:ff:ff"}
local LAN1, LAN2 = "192.168.1.0/24", "10.0.0.0/24"

say("Every network card has a MAC address; the switch delivers frames by MAC address, not by IP address. In this lab: A " .. MAC.A .. ", B " .. MAC.B .. ".",
    "每块网卡都有一个 MAC 地址；交换机按 MAC 地址而不是 IP 地址转发帧。在这个实验网络里：A 是 " .. MAC.A .. "，B 是 " .. MAC.B .. "。")
socket.host("B")
receiver_b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(receiver_b:bind("192.168.1.104", 9999))
assert(receiver_b:settimeout(3))
socket.host("A")
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

say("A sends a datagram to 192.168.1.104. The mask (/24) says B is on A's own network, so A sends straight to B — but it knows only B's IP address. First it asks everyone (ARP).",
    "A 向 192.168.1.104 发送一个数据报。网络掩码（/24）表明 B 和 A 在同一个网段，所以 A 直接发给 B —— 可它只知道 B 的 IP 地址。它先向所有人询问（ARP）。")
assert(sender:sendto("hello B", "192.168.1.104", 9999))
local data, from = receiver_b:recvfrom(1024)
expect(data == "hello B" and from[1] == "192.168.1.103", "B received the datagram from 192.168.1.103", "B 收到了来自 192.168.1.103 的数据报")
local udp = wait_for(function() return packets{proto = "UDP", data = "hello B"}[1] end, 3)
local req = packets{proto = "ARP", arp = "request", from = "192.168.1.103", to = "192.168.1.104"}[1]
local fresh = req and req.time <= udp.time
if not fresh then
    say("A already had B's MAC address in its ARP cache (it asked earlier in this session): no ARP this time. A new lab shows it: sockplay --lab --lesson lab_arp_and_router",
        "A 的 ARP 缓存里已经有 B 的 MAC 地址（本会话里之前问过）：这次没有 ARP。新的实验网络才能看到：sockplay --lab --lesson lab_arp_and_router")
else
    expect(req.dmac == MAC.all and req.smac == MAC.A,
           "on the wire: ARP request \"who has 192.168.1.104? tell 192.168.1.103\", sent to ff:ff:ff:ff:ff:ff — the broadcast address: the switch floods it to every port of the LAN",
           "线路上：ARP 请求“谁是 192.168.1.104？请告诉 192.168.1.103”，发往 ff:ff:ff:ff:ff:ff —— 广播地址：交换机把它泛洪到这个局域网的每个端口")
    local rep = packets{proto = "ARP", arp = "reply", from = "192.168.1.104"}[1]
    expect(rep and rep.arp_mac == MAC.B and rep.smac == MAC.B and rep.dmac == MAC.A and rep.time <= udp.time,
           "on the wire: only B answers, to A alone: \"192.168.1.104 is at " .. MAC.B .. "\"",
           "线路上：只有 B 回答，而且只发给 A：“192.168.1.104 的 MAC 是 " .. MAC.B .. "”")
end
expect(udp.smac == MAC.A and udp.dmac == MAC.B and udp.lan == LAN1,
       ("on the wire: the datagram's frame goes %s → %s (A's card to B's card)"):format(udp.smac, udp.dmac),
       ("线路上：数据报所在的帧从 %s 发往 %s（A 的网卡到 B 的网卡）"):format(udp.smac, udp.dmac))

say("A second datagram: A remembers the answer (its ARP cache), so no ARP this time.",
    "第二个数据报：A 记住了答案（ARP 缓存），这次不再询问。")
local arps = #packets{proto = "ARP", from = "192.168.1.103"}
assert(sender:sendto("again", "192.168.1.104", 9999))
expect(receiver_b:recvfrom(1024) == "again" and #packets{proto = "ARP", from = "192.168.1.103"} == arps,
       "on the wire: the datagram went without any ARP before it", "线路上：这个数据报之前没有任何 ARP")

say("Now to D, 10.0.0.2, on another network. The mask says 10.0.0.2 is not on A's network: A sends the datagram to its default gateway, router R (192.168.1.1), which forwards it to the other LAN.",
    "现在发给另一个网段上的 D（10.0.0.2）。网络掩码表明 10.0.0.2 不在 A 的网段：A 把数据报发给它的默认网关 —— 路由器 R（192.168.1.1），由 R 转发到另一个局域网。")
socket.host("D")
receiver_d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(receiver_d:bind("10.0.0.2", 9999))
assert(receiver_d:settimeout(3))
socket.host("A")
assert(sender:sendto("via R", "10.0.0.2", 9999))
data, from = receiver_d:recvfrom(1024)
expect(data == "via R" and from[1] == "192.168.1.103",
       "D received it from 192.168.1.103: the router changed nothing in the IP addresses",
       "D 收到了它，来自 192.168.1.103：路由器没有改变 IP 地址")
local hop1 = wait_for(function() return packets{proto = "UDP", data = "via R", lan = LAN1}[1] end, 3)
local hop2 = wait_for(function() return packets{proto = "UDP", data = "via R", lan = LAN2}[1] end, 3)
if fresh then
    expect(#packets{proto = "ARP", arp = "request", from = "192.168.1.103", to = "192.168.1.1"} >= 1
           and #packets{proto = "ARP", from = "192.168.1.103", to = "10.0.0.2"} == 0
           and #packets{proto = "ARP", arp = "request", from = "10.0.0.1", to = "10.0.0.2", lan = LAN2} >= 1,
           "on the wire: A asked ARP for its gateway 192.168.1.1, never for 10.0.0.2; R asked for 10.0.0.2 on the other LAN",
           "线路上：A 用 ARP 询问的是网关 192.168.1.1，从没问过 10.0.0.2；R 在另一个局域网里询问 10.0.0.2")
end
expect(hop1 and hop2 and hop1.from == hop2.from and hop1.to == hop2.to and hop1.from:match("^192%.168%.1%.103:")
       and hop1.to == "10.0.0.2:9999",
       "on the wire: the datagram crossed both LANs with the same IP addresses, " .. (hop1 and hop1.from or "?") .. " → 10.0.0.2:9999",
       "线路上：数据报经过了两个局域网，IP 地址始终是 " .. (hop1 and hop1.from or "?") .. " → 10.0.0.2:9999")
expect(hop1 and hop2 and hop1.smac == MAC.A and hop1.dmac == MAC.R0 and hop2.smac == MAC.R1 and hop2.dmac == MAC.D,
       ("on the wire: but new MAC addresses on each LAN — %s → %s (A to R) on %s, then %s → %s (R to D) on %s"):format(
           hop1 and hop1.smac, hop1 and hop1.dmac, LAN1, hop2 and hop2.smac, hop2 and hop2.dmac, LAN2),
       ("线路上：但每个局域网上的 MAC 地址都不同 —— 在 %s 上是 %s → %s（A 到 R），在 %s 上是 %s → %s（R 到 D）"):format(
           LAN1, hop1 and hop1.smac, hop1 and hop1.dmac, LAN2, hop2 and hop2.smac, hop2 and hop2.dmac))

say("At the prompt, `wire mac on` shows each frame's MAC addresses under it.",
    "在提示符下，`wire mac on` 会在每一帧下面显示它的 MAC 地址。")
sender:close()
receiver_b:close()
receiver_d:close()
