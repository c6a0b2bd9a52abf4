from rest_framework import serializers


class CurrencySerializer(serializers.Serializer):
    id = serializers.CharField(read_only=True)
    symbol = serializers.CharField(read_only=True)
