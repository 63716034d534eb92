"""Questions no IP-policy corpus answers: the negatives the relevance gate is calibrated and tested on."""

OFF_TOPIC = [
    "如何申请离婚？",
    "今天天气怎么样？",
    "足球比赛几点开始？",
    "怎么做红烧肉？",
    "明天北京会下雨吗？",
    "交通事故责任由谁承担？",
    "如何办理护照？",
    "谁负责城市垃圾分类？",
    "量子计算机的原理是什么？",
    "我家的狗咬伤了邻居的孩子，医药费应该由谁来承担？",
    "网购的衣服有质量问题，商家拒绝退货怎么办？",
    "租房合同到期房东不退押金怎么办？",
    "老年人如何领取养老金？",
]
