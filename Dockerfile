# The image Fivetran-style deployments run: the self-contained host from publish.sh on a plain Debian, started with --port.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN ./publish.sh /out

FROM debian:12-slim
RUN useradd --create-home --uid 10001 connector
WORKDIR /app
COPY --from=build --chown=connector /out .
USER connector
EXPOSE 50051
ENTRYPOINT ["./ConnectorHost"]
CMD ["--port", "50051"]
