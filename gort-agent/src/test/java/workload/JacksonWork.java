package workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Jackson: a nested POJO and Map tree written to JSON, read back (as POJOs, as a tree, as tokens). */
final class JacksonWork {
    private JacksonWork() {}

    public static final class Line {
        public String sku;
        public int quantity;
        public double price;
        public List<String> tags = new ArrayList<>();
    }

    public static final class Order {
        public long id;
        public String customer;
        public boolean paid;
        public List<Line> lines = new ArrayList<>();
        public Map<String, Object> attributes = new LinkedHashMap<>();
    }

    static String run(int rounds) throws IOException {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
        StringBuilder out = new StringBuilder("== jackson\n");
        List<Order> orders = orders(rounds * 10);
        String json = mapper.writeValueAsString(orders);
        List<Order> back = mapper.readValue(json, new TypeReference<List<Order>>() {});
        String again = mapper.writeValueAsString(back);
        out.append("json ").append(json.length()).append(" chars, round trip identical ").append(json.equals(again)).append('\n');
        out.append("first ").append(json, 0, Math.min(json.length(), 300)).append('\n');

        JsonNode tree = mapper.readTree(json);
        double total = 0;
        int lines = 0;
        for (JsonNode order : tree) {
            for (JsonNode line : order.get("lines")) {
                total += line.get("quantity").asInt() * line.get("price").asDouble();
                lines++;
            }
        }
        out.append("tree ").append(tree.size()).append(" orders ").append(lines).append(" lines total ")
                .append(String.format("%.2f", total)).append('\n');

        Map<String, Integer> tokens = new TreeMap<>();
        try (JsonParser p = mapper.getFactory().createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) tokens.merge(t.name(), 1, Integer::sum);
        }
        out.append("tokens ").append(tokens).append('\n');

        Map<String, Object> nested = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            Map<String, Object> inner = new TreeMap<>();
            inner.put("square", i * i);
            inner.put("name", "n" + i);
            inner.put("list", List.of(i, i + 1, List.of("x", i % 3 == 0)));
            nested.put("k" + (char) ('a' + i), inner);
        }
        String nestedJson = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(nested);
        Map<String, Object> nestedBack = mapper.readValue(nestedJson, new TypeReference<Map<String, Object>>() {});
        out.append("map tree ").append(nestedJson.lines().count()).append(" lines, equal after reading back ")
                .append(mapper.valueToTree(nested).equals(mapper.valueToTree(nestedBack))).append('\n');
        out.append("map kd ").append(mapper.writeValueAsString(nestedBack.get("kd"))).append('\n');
        return out.toString();
    }

    private static List<Order> orders(int n) {
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Order o = new Order();
            o.id = 1_000 + i;
            o.customer = "customer-" + (i * 7 % 13);
            o.paid = i % 3 != 0;
            for (int k = 0; k < 1 + i % 5; k++) {
                Line l = new Line();
                l.sku = "SKU" + (i * 31 + k) % 97;
                l.quantity = 1 + k * i % 4;
                l.price = (i % 17) * 1.25 + k;
                for (int t = 0; t < k; t++) l.tags.add("t" + t);
                o.lines.add(l);
            }
            o.attributes.put("priority", i % 4);
            o.attributes.put("note", i % 5 == 0 ? null : "n" + i);
            o.attributes.put("dims", List.of(i, i * 2, Map.of("depth", i % 3)));
            orders.add(o);
        }
        return orders;
    }
}
