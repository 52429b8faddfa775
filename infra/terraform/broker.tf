# RabbitMQ: Amazon MQ cluster deployment = three broker nodes spread across zones behind one
# endpoint; Celery's queues are quorum queues (replicated on the three nodes).

resource "aws_security_group" "mq" {
  name        = "${local.name}-mq"
  description = "AMQPS from the EKS cluster only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "AMQP over TLS"
    from_port       = 5671
    to_port         = 5671
    protocol        = "tcp"
    security_groups = [aws_eks_cluster.main.vpc_config[0].cluster_security_group_id]
  }
}

resource "random_password" "mq" {
  length  = 32
  special = false
}

resource "aws_mq_broker" "main" {
  broker_name        = "${local.name}-rabbitmq"
  engine_type        = "RabbitMQ"
  engine_version     = var.mq_engine_version
  host_instance_type = var.mq_instance_type
  deployment_mode    = "CLUSTER_MULTI_AZ"

  publicly_accessible        = false
  subnet_ids                 = aws_subnet.private[*].id
  security_groups            = [aws_security_group.mq.id]
  auto_minor_version_upgrade = true

  # Messages at rest are encrypted with an AWS-owned key: Amazon MQ for RabbitMQ does not take
  # a customer-managed key. Task payloads carry ids, not personal data.

  maintenance_window_start_time {
    day_of_week = "SUNDAY"
    time_of_day = "06:00"
    time_zone   = "UTC"
  }

  logs {
    general = true
  }

  user {
    username = "manancial"
    password = random_password.mq.result
  }
}

# The broker password for the app's BROKER_URL; External Secrets copies it into the cluster.
resource "aws_secretsmanager_secret" "mq" {
  name       = "${local.name}/rabbitmq"
  kms_key_id = aws_kms_key.main.arn
}

resource "aws_secretsmanager_secret_version" "mq" {
  secret_id = aws_secretsmanager_secret.mq.id
  secret_string = jsonencode({
    username = "manancial"
    password = random_password.mq.result
    endpoint = aws_mq_broker.main.instances[0].endpoints[0]
  })
}
