data "aws_route53_zone" "main" {
  name         = var.base_domain
  private_zone = false
}

# Every tenant host (<tenant>.<base_domain>) resolves to the ingress load balancer: adding a
# tenant needs no DNS change. The apex is the ops console (public schema).
resource "aws_route53_record" "wildcard" {
  count   = var.ingress_lb_dns_name != "" ? 1 : 0
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "*.${var.base_domain}"
  type    = "A"

  alias {
    name                   = var.ingress_lb_dns_name
    zone_id                = var.ingress_lb_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "apex" {
  count   = var.ingress_lb_dns_name != "" ? 1 : 0
  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.base_domain
  type    = "A"

  alias {
    name                   = var.ingress_lb_dns_name
    zone_id                = var.ingress_lb_zone_id
    evaluate_target_health = true
  }
}
